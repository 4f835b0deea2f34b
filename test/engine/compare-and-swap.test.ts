// The write half on its own, for every value type: a row is written only if it still holds the
// value that was read. bytea values travel packed into one parameter by offset and length, so the
// cases that would expose an off-by-one are here: values of different lengths, a value that is a
// prefix of another, neighbours whose bytes run into each other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValueType } from '../../src/db/column.js';
import { buildColumnSql } from '../../src/engine/column-sql.js';
import { compareAndSwap } from '../../src/engine/compare-and-swap.js';
import type { RotatedRow } from '../../src/engine/rotate-batch.js';
import { BACKENDS, SKIP_PG_REASON, TEST_DATABASE_URL, type TestDatabase } from '../helpers/test-db.js';
import { column } from './engine-fixtures.js';

if (!TEST_DATABASE_URL) console.log(SKIP_PG_REASON);

const LIMITS = { lockTimeoutMs: 1000, statementTimeoutMs: 10_000, attempts: 3 };
const SQL_TYPE: Record<ValueType, string> = { bytea: 'bytea', text: 'text', jsonb: 'jsonb' };

// Old and new values as the application's JSON would look, with lengths chosen to trip offsets.
const OLD = ['{"k":"a"}', '{"k":"ab"}', '{"k":"abc"}', '{"k":"a"}', '{"k":""}', '{"k":"' + 'x'.repeat(300) + '"}'];
const NEW = [
  '{"k":"A"}',
  '{"k":"AB-longer"}',
  '{"k":"A"}',
  '{"k":"a2"}',
  '{"k":"' + 'y'.repeat(200) + '"}',
  '{"k":"z"}',
];

describe.each(BACKENDS)('compare-and-swap on $name', ({ open, available }) => {
  let t: TestDatabase;
  beforeAll(async () => {
    if (available) t = await open();
  });
  afterAll(async () => {
    await t?.drop();
  });

  const valueOf = (type: ValueType, text: string) => (type === 'bytea' ? Buffer.from(text) : text);
  const read = async (type: ValueType) => {
    const select = type === 'jsonb' ? 'v::text' : type === 'bytea' ? "convert_from(v, 'UTF8')" : 'v';
    const { rows } = await t.db.query<{ id: string; v: string }>(
      `SELECT id::text AS id, ${select} AS v FROM cas_${type} ORDER BY id`,
    );
    return rows.map((r) => r.v);
  };

  for (const type of ['bytea', 'text', 'jsonb'] as const) {
    it.skipIf(!available)(`${type}: writes the rows still holding what was read, and only those`, async () => {
      await t.db.query(`CREATE TABLE cas_${type} (id bigint PRIMARY KEY, v ${SQL_TYPE[type]})`);
      for (const [i, text] of OLD.entries()) {
        await t.db.query(
          `INSERT INTO cas_${type} VALUES ($1, ${type === 'bytea' ? 'convert_to($2, $$UTF8$$)' : `$2::${type}`})`,
          [i + 1, text],
        );
      }
      // jsonb stores parsed JSON: what the engine reads (and compares against) is its text rendering.
      const asRead = await read(type);
      const rows: RotatedRow[] = asRead.map((old, i) => ({
        id: String(i + 1),
        fromKeyId: 'kek-v1',
        old: valueOf(type, old),
        next: valueOf(type, NEW[i]!),
      }));
      // The application changes row 3 after we read it; row 5 is deleted.
      await t.db.query(
        `UPDATE cas_${type} SET v = ${type === 'bytea' ? 'convert_to(\'{"k":"app"}\', \'UTF8\')' : `'{"k":"app"}'::${type}`} WHERE id = 3`,
      );
      await t.db.query(`DELETE FROM cas_${type} WHERE id = 5`);

      const sql = buildColumnSql(column(t.schema, `cas_${type}`, 'v', 'id', 'bigint', type));
      const outcome = await compareAndSwap(t.db, sql, rows, LIMITS);
      expect(outcome.written.sort()).toEqual(['1', '2', '4', '6']);
      expect(outcome.changed).toEqual(['3']);
      expect(outcome.notLocked).toEqual(['5']);

      const after = await read(type);
      const expected = [NEW[0], NEW[1], '{"k":"app"}', NEW[3], NEW[5]].map((v) =>
        type === 'jsonb' ? JSON.stringify(JSON.parse(v!)).replace(/":/g, '": ') : v,
      );
      expect(after).toEqual(expected);

      // The same statements again on the same connections (now prepared there): nothing left to write.
      const again = await compareAndSwap(t.db, sql, rows, LIMITS);
      expect(again.written).toEqual([]);
      expect(again.changed.sort()).toEqual(['1', '2', '3', '4', '6']);
    });
  }

  it.skipIf(!available)(
    'a table recreated with another value type between runs meets statements of its own',
    async () => {
      await t.db.query('CREATE TABLE cas_retyped (id bigint PRIMARY KEY, v bytea)');
      await t.db.query("INSERT INTO cas_retyped VALUES (1, 'old'::bytea)");
      const first = buildColumnSql(column(t.schema, 'cas_retyped', 'v', 'id', 'bigint', 'bytea'));
      const a = await compareAndSwap(
        t.db,
        first,
        [{ id: '1', fromKeyId: 'kek-v1', old: Buffer.from('old'), next: Buffer.from('new') }],
        LIMITS,
      );
      expect(a.written).toEqual(['1']);
      expect((await t.db.query(first.reread, [['1']])).rows).toEqual([{ id: '1', value: Buffer.from('new') }]);

      await t.db.query('DROP TABLE cas_retyped');
      await t.db.query('CREATE TABLE cas_retyped (id bigint PRIMARY KEY, v text)');
      await t.db.query("INSERT INTO cas_retyped VALUES (1, 'old')");
      const second = buildColumnSql(column(t.schema, 'cas_retyped', 'v', 'id', 'bigint', 'text'));
      expect(second.reread.name).not.toBe(first.reread.name);
      const b = await compareAndSwap(t.db, second, [{ id: '1', fromKeyId: 'kek-v1', old: 'old', next: 'new' }], LIMITS);
      expect(b.written).toEqual(['1']);
      expect((await t.db.query(second.reread, [['1']])).rows).toEqual([{ id: '1', value: 'new' }]);
    },
  );
});
