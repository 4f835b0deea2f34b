// The emergency listing of the credentials on a leaked key: one keyset scan of the table in id
// ranges (never a full scan per page of ids, as `id::text = ANY(...)` was), names read in the same
// statement, malformed rows harmless, progress reported, and the result in id order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptValue } from '../../src/crypto/envelope.js';
import { DEFAULT_COLUMNS } from '../../src/db/column.js';
import { statementText, type Db } from '../../src/db/db.js';
import type { ScanProgress } from '../../src/db/inventory-scan.js';
import { resolveColumns } from '../../src/db/registry.js';
import { listCredentialsOnKey } from '../../src/effects/credentials-sql.js';
import { createApplicationSchema } from '../../src/sandbox/schema.js';
import { BACKENDS } from '../helpers/test-db.js';
import { PGLITE_START_TIMEOUT_MS, perTestSchema } from '../helpers/test-db.js';
import { MALFORMED, insertProvider, makeKek } from './seed.js';

/** `db`, recording the text of every statement it runs. */
function recording(db: Db): { db: Db; statements: string[] } {
  const statements: string[] = [];
  return {
    statements,
    db: { ...db, query: (sql, params) => (statements.push(statementText(sql)), db.query(sql, params)) } as Db,
  };
}

describe.each(BACKENDS)('emergency credential listing on $name', (backend) => {
  const dbs = perTestSchema(backend);
  beforeAll(() => dbs.prepare(), PGLITE_START_TIMEOUT_MS);
  afterAll(() => dbs.closeAll());

  it.skipIf(!backend.available)(
    'lists every row on the key with its name, in id order, reading the table once in id ranges',
    async () => {
      const t = await dbs.fresh();
      try {
        await createApplicationSchema(t.db);
        const leaked = makeKek('kek-v1');
        const other = makeKek('kek-v2');
        const want: { id: string; name: string }[] = [];
        for (let i = 0; i < 23; i++) {
          const onLeaked = i % 3 !== 0;
          const id = await insertProvider(t.db, encryptValue(onLeaked ? leaked : other, `sk-${i}`), `provider-${i}`);
          if (onLeaked) want.push({ id, name: `provider-${i}` });
          if (i % 5 === 0) await insertProvider(t.db, null, `empty-${i}`);
        }
        for (const [name, value] of Object.entries(MALFORMED)) await insertProvider(t.db, value, name);
        // Ids are uuidv7: two rows made in the same millisecond may sort either way, so the expected
        // order is the ids' own (lower-case hex of one length: string order is uuid order).
        want.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        const [column] = await resolveColumns(t.db, DEFAULT_COLUMNS);
        const r = recording(t.db);
        const reports: ScanProgress[] = [];
        const listed = await listCredentialsOnKey(r.db, [column!], 'kek-v1', undefined, {
          rangeRows: 6,
          onProgress: (p) => reports.push(p),
        });
        expect(listed).toEqual(
          want.map((w) => ({
            table: 'llm_providers.api_key_encrypted',
            id: w.id,
            name: w.name,
            providerType: 'openai',
          })),
        );
        // One statement per range, each bounded by the keyset; nothing looks rows up by a list of ids.
        const ranged = r.statements.filter((s) => s.includes('classified.key_id = $1'));
        expect(ranged.length).toBeGreaterThanOrEqual(3);
        expect(ranged.slice(0, -1).every((s) => /"id" <= \$\d+::uuid/.test(s))).toBe(true);
        expect(ranged.slice(1).every((s) => /"id" > \$\d+::uuid/.test(s))).toBe(true);
        expect(r.statements.some((s) => /ANY\s*\(/i.test(s))).toBe(false);
        expect(reports[0]).toMatchObject({ done: 0, total: 23 + 5 + Object.keys(MALFORMED).length });
        expect(reports.at(-1)).toMatchObject({ finished: true, done: 23 + 5 + Object.keys(MALFORMED).length });
      } finally {
        await t.drop();
      }
    },
  );

  it.skipIf(!backend.available)(
    'names are empty for a table without name and provider_type columns; bigint ids range in numeric order',
    async () => {
      const t = await dbs.fresh();
      try {
        await t.db.query('CREATE TABLE tokens (id bigint PRIMARY KEY, token_encrypted bytea)');
        const kek = makeKek('kek-v1');
        for (const id of [3, 20, 100])
          await t.db.query('INSERT INTO tokens VALUES ($1, $2)', [id, encryptValue(kek, `sk-${id}`)]);
        const [column] = await resolveColumns(t.db, [{ table: 'tokens', column: 'token_encrypted', idColumn: 'id' }]);
        const reports: ScanProgress[] = [];
        const listed = await listCredentialsOnKey(t.db, [column!], 'kek-v1', undefined, {
          rangeRows: 1,
          onProgress: (p) => reports.push(p),
        });
        expect(listed).toEqual(
          ['3', '20', '100'].map((id) => ({ table: 'tokens.token_encrypted', id, name: '', providerType: '' })),
        );
        expect(reports.map((p) => [p.done, p.total, p.finished])).toEqual([
          [0, 3, false],
          [1, 3, false],
          [2, 3, false],
          [3, 3, true],
        ]);
      } finally {
        await t.drop();
      }
    },
  );
});
