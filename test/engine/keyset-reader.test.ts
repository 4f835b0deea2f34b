// Keyset pages over an id range: disjoint ranges (for --concurrency) cover every row exactly once,
// in id order, with ids compared in the column's own type (bigint 10 sorts after 9).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildColumnSql } from '../../src/engine/column-sql.js';
import { KeysetReader } from '../../src/engine/keyset-reader.js';
import { BACKENDS, SKIP_PG_REASON, TEST_DATABASE_URL, type TestDatabase } from '../helpers/test-db.js';
import { column } from './engine-fixtures.js';

if (!TEST_DATABASE_URL) console.log(SKIP_PG_REASON);

describe.each(BACKENDS)('keyset reader on $name', ({ open, available }) => {
  let t: TestDatabase;
  beforeAll(async () => {
    if (available) t = await open();
  });
  afterAll(async () => {
    await t?.drop();
  });

  it.skipIf(!available)('reads whole tables and disjoint id ranges page by page in numeric id order', async () => {
    await t.db.query('CREATE TABLE numbered (n bigint PRIMARY KEY, secret_encrypted bytea)');
    await t.db.query(
      "INSERT INTO numbered SELECT g, CASE WHEN g % 4 = 0 THEN NULL ELSE convert_to('v' || g, 'UTF8') END FROM generate_series(1, 37) g",
    );
    const col = column(t.schema, 'numbered', 'secret_encrypted', 'n', 'bigint', 'bytea');
    const readAll = async (reader: KeysetReader) => {
      const ids: string[] = [];
      const pageSizes: number[] = [];
      for (let page = await reader.next(); page.length > 0; page = await reader.next()) {
        pageSizes.push(page.length);
        ids.push(...page.map((r) => r.id));
        for (const r of page)
          expect(r.value === null ? null : r.value.toString()).toBe(Number(r.id) % 4 === 0 ? null : `v${r.id}`);
      }
      return { ids, pageSizes };
    };
    const whole = await readAll(new KeysetReader(t.db, buildColumnSql(col), 10));
    expect(whole.ids).toEqual(Array.from({ length: 37 }, (_, i) => String(i + 1)));
    expect(whole.pageSizes).toEqual([10, 10, 10, 7]);

    const sql = buildColumnSql(col);
    const parts = await Promise.all([
      readAll(new KeysetReader(t.db, sql, 4, { upTo: '9' })),
      readAll(new KeysetReader(t.db, sql, 4, { after: '9', upTo: '20' })),
      readAll(new KeysetReader(t.db, sql, 4, { after: '20' })),
    ]);
    expect(parts.flatMap((p) => p.ids)).toEqual(whole.ids);
    expect(parts[1]!.ids[0]).toBe('10');
  });
});
