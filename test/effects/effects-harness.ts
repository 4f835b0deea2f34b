// Drives the real runbook machine on real effects the way an operator's key presses would:
// start it, wait for a step, send UI events. Also a seeded application table and an env file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatKey, type Kek } from '../../src/crypto/key.js';
import type { Db } from '../../src/db/db.js';
import { createApplicationSchema } from '../../src/sandbox/schema.js';
import { insertEncrypted, insertProvider, makeKek } from '../db/seed.js';

export { operate, type Operator } from '../helpers/machine-driver.js';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'kek-effects-'));
}

export function writeEnv(dir: string, primary: Kek, previous?: Kek): string {
  const file = join(dir, 'app.env');
  const lines = [
    `SECRETS_ENCRYPTION_KEY=${formatKey(primary)}`,
    ...(previous ? [`SECRETS_ENCRYPTION_KEY_PREVIOUS=${formatKey(previous)}`] : []),
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

export interface SeededTable {
  v1: Kek;
  ids: string[];
  nullId: string;
  plaintexts: string[];
}

/** The application's table with `rows` values under a fresh kek-v1 and one NULL. */
export async function seedTable(db: Db, rows: number): Promise<SeededTable> {
  await createApplicationSchema(db);
  const v1 = makeKek('kek-v1');
  const ids = await insertEncrypted(db, v1, rows);
  const nullId = await insertProvider(db, null, 'no-key');
  return { v1, ids, nullId, plaintexts: ids.map((_, i) => `sk-test-${i}`) };
}

/** Key ids on the rows, counted (NULL rows as 'NULL'). */
export async function keyIdCounts(db: Db): Promise<Record<string, number>> {
  const { rows } = await db.query<{ key_id: string | null; n: string }>(
    `SELECT CASE WHEN api_key_encrypted IS NULL THEN 'NULL' ELSE convert_from(api_key_encrypted, 'UTF8')::jsonb->>'key_id' END AS key_id,
            count(*)::text AS n FROM llm_providers GROUP BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.key_id ?? '?', Number(r.n)]));
}
