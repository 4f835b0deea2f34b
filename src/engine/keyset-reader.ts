// Reads a column page by page in id order with keyset pagination (`id > last`), never OFFSET:
// deletes and inserts behind the cursor cannot make it skip rows, and every page is an index
// range scan whatever the table size. An optional inclusive upper bound lets several readers
// share a table on disjoint id ranges.
import type { Queryable } from '../db/db.js';
import type { ColumnSql } from './column-sql.js';
import type { SourceRow } from './source-row.js';

export interface KeysetRange {
  /** Start after this id (exclusive); undefined = from the first row. */
  readonly after?: string | undefined;
  /** Stop at this id (inclusive); undefined = to the last row. */
  readonly upTo?: string | undefined;
}

export class KeysetReader {
  private last: string | undefined;
  private done = false;

  constructor(
    private readonly db: Queryable,
    private readonly sql: ColumnSql,
    private readonly batchSize: number,
    private readonly range: KeysetRange = {},
  ) {
    this.last = range.after;
  }

  /** The next page, or an empty array once the range is exhausted. */
  async next(): Promise<SourceRow[]> {
    if (this.done) return [];
    const { upTo } = this.range;
    const { rows } =
      upTo === undefined
        ? this.last === undefined
          ? await this.db.query<SourceRow>(this.sql.firstPage, [this.batchSize])
          : await this.db.query<SourceRow>(this.sql.nextPage, [this.last, this.batchSize])
        : this.last === undefined
          ? await this.db.query<SourceRow>(this.sql.firstPageUpTo, [this.batchSize, upTo])
          : await this.db.query<SourceRow>(this.sql.nextPageUpTo, [this.last, this.batchSize, upTo]);
    if (rows.length < this.batchSize) this.done = true;
    const lastRow = rows[rows.length - 1];
    if (lastRow) this.last = lastRow.id;
    return rows;
  }

  /** The id the next page starts after (for a journal or a resumed run). */
  get cursor(): string | undefined {
    return this.last;
  }
}
