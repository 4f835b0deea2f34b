// Seeds the application's table with N rows encrypted under kek-v1 (as the application writes
// them), in multi-row INSERTs from arrays, and keeps a pristine copy so every measurement can
// start from byte-identical data. Seeding is not timed as part of any figure.
import { randomBytes } from 'node:crypto';
import { encryptValue } from '../src/crypto/envelope.js';
import type { Kek } from '../src/crypto/key.js';
import type { Db } from '../src/db/db.js';
import { TABLE } from './bench-db.js';

export const PRISTINE = 'bench_pristine';
const CHUNK = 10_000;
const PROVIDER_TYPES = ['openai', 'anthropic', 'azure_openai', 'llmsim'];

/** An API key of a realistic length (~50 characters); its value never leaves the database. */
function fakeApiKey(): string {
  return `sk-bench-${randomBytes(30).toString('base64url')}`;
}

function chunkPayloads(kek: Kek, n: number): Buffer[] {
  return Array.from({ length: n }, () => encryptValue(kek, fakeApiKey()));
}

const INSERT = `
INSERT INTO ${TABLE} (name, provider_type, api_key_encrypted, api_key_set)
SELECT 'provider-' || ($2::int + i), ($3::text[])[1 + ($2::int + i) % 4], v, true
  FROM unnest($1::bytea[]) WITH ORDINALITY AS u(v, i)`;

/** Inserts `rows` rows; the next chunk is encrypted while the database stores the previous one. */
export async function seedRows(db: Db, kek: Kek, rows: number): Promise<void> {
  let inFlight: Promise<unknown> = Promise.resolve();
  for (let start = 0; start < rows; start += CHUNK) {
    const payloads = chunkPayloads(kek, Math.min(CHUNK, rows - start));
    await inFlight;
    inFlight = db.query(INSERT, [payloads, start, PROVIDER_TYPES]);
  }
  await inFlight;
  await db.query(`DROP TABLE IF EXISTS ${PRISTINE}`);
  await db.query(`CREATE TABLE ${PRISTINE} AS SELECT * FROM ${TABLE}`);
  await db.query(`VACUUM ANALYZE ${TABLE}`);
  await db.query(`VACUUM ANALYZE ${PRISTINE}`);
}
