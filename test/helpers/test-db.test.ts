import { describe, expect, it } from 'vitest';
import { createApplicationSchema } from '../../src/sandbox/schema.js';
import { BACKENDS, SKIP_PG_REASON, TEST_DATABASE_URL } from './test-db.js';

if (!TEST_DATABASE_URL) console.log(SKIP_PG_REASON);

describe.each(BACKENDS)('test databases on $name', ({ open, available }) => {
  it.skipIf(!available)(
    'gives a fresh schema holding the application table, with uuidv7 ids in creation order',
    async () => {
      const t = await open();
      try {
        await createApplicationSchema(t.db);
        await t.db.query("INSERT INTO llm_providers (name, provider_type) VALUES ('a', 'openai')");
        await new Promise((r) => setTimeout(r, 5));
        await t.db.query("INSERT INTO llm_providers (name, provider_type) VALUES ('b', 'anthropic')");
        const { rows } = await t.db.query<{ name: string; id: string }>(
          'SELECT name, id::text FROM llm_providers ORDER BY id',
        );
        expect(rows.map((r) => r.name)).toEqual(['a', 'b']);
        expect(rows[0]!.id[14]).toBe('7');
        const other = await t.connect();
        const seen = await other.query<{ n: string }>('SELECT count(*)::text AS n FROM llm_providers');
        expect(seen.rows[0]!.n).toBe('2');
        if (other !== t.db) await other.close();
      } finally {
        await t.drop();
      }
    },
  );
});
