// The one interface every database access goes through. Two adapters implement it: `pg` for a
// server and PGlite for the embedded database. Values come back as the driver gives them; bytea
// is normalised to Buffer by the adapters so callers never see the difference.
import type { ConnectionListener } from './reconnect.js';

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

/** One of our statements that has been running a while (see `Db.watchSlowStatements`). */
export interface SlowStatement {
  /** Backend process id of the connection running it. */
  readonly pid: number;
  /** Which statement: its name when it is a named one, else its first words (never its parameters). */
  readonly statement: string;
  readonly elapsedMs: number;
}

export interface SlowStatementWatch {
  /** First call once a statement has run this long... */
  readonly afterMs: number;
  /** ...then again every this long while it still runs. */
  readonly everyMs: number;
  onSlow(statement: SlowStatement): void;
}

/** One dedicated connection (the pg adapter's), for session-level state such as advisory locks. */
export interface DbSession extends Queryable {
  /** Backend process id of this session. */
  readonly pid: number;
  /** Called once if the connection drops: whatever the session held (its locks) is gone. */
  onLost(listener: (error: unknown) => void): void;
  close(): Promise<void>;
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
  // pg only (PGlite has one in-process connection: nothing to lose, to wait on, or to hold apart).
  /** Connection lost / restored notifications of this database and its forks; returns an unsubscribe. */
  watchConnection?(listener: ConnectionListener): () => void;
  /** Reports statements of this database and its forks that run longer than `watch.afterMs`; returns an unsubscribe. */
  watchSlowStatements?(watch: SlowStatementWatch): () => void;
  /** Opens a dedicated connection (reconnecting within the budget while it cannot). */
  session?(): Promise<DbSession>;
}
