// What the rest of the tool knows about one encrypted column. Identifiers come only from the
// registry (defaults or --config), are validated there, and are quoted wherever SQL is built.

/** One registry entry: where encrypted values live. */
export interface EncryptedColumn {
  /** Schema name; defaults to the first schema on the search_path that has the table. */
  readonly schema?: string | undefined;
  readonly table: string;
  readonly column: string;
  readonly idColumn: string;
}

export type ValueType = 'bytea' | 'text' | 'jsonb';

/** A registry entry checked against the database: it exists, and its types are known. */
export interface ResolvedColumn extends EncryptedColumn {
  readonly schema: string;
  readonly valueType: ValueType;
  /** The id column's SQL type as format_type() prints it, e.g. `uuid`, `bigint`, `text`. */
  readonly idType: string;
  /** `"schema"."table"`, quoted, ready for SQL. */
  readonly qualifiedTable: string;
  /** `"column"`, quoted. */
  readonly quotedColumn: string;
  /** `"id"`, quoted. */
  readonly quotedId: string;
  /** `table.column`, for people. */
  readonly label: string;
}

/** The application's registry: today one column; more will be added over time. */
export const DEFAULT_COLUMNS: readonly EncryptedColumn[] = [
  { table: 'llm_providers', column: 'api_key_encrypted', idColumn: 'id' },
];
