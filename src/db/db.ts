// The one interface every database access goes through. Two adapters implement it: `pg` for a
// server and PGlite for the embedded database. Values come back as the driver gives them; bytea
// is normalised to Buffer by the adapters so callers never see the difference.

export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

/**
 * A statement run many times (the engine's pages and writes): the pg adapter prepares it once per
 * connection under `name` and then only binds parameters, skipping the parse and plan on every batch.
 * A name must never be reused for another text on the same connection (pg refuses it).
 */
export interface NamedStatement {
  readonly name: string;
  readonly text: string;
}

export type Statement = string | NamedStatement;

export function statementText(statement: Statement): string {
  return typeof statement === 'string' ? statement : statement.text;
}

export interface Queryable {
  query<Row = Record<string, unknown>>(sql: Statement, params?: unknown[]): Promise<QueryResult<Row>>;
}

export interface Db extends Queryable {
  readonly kind: 'pg' | 'pglite';
  /** Where the database is, safe to show: a URL's password is masked. */
  readonly label: string;
  /** Runs `work` in one transaction on one connection; commits if it resolves, rolls back if it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** A second, independent connection (the pg adapter opens one; PGlite shares its single one). */
  fork(): Promise<Db>;
  close(): Promise<void>;
}
