// Rows for database tests: the application's table, values encrypted as the application does,
// and the kinds of damage a real table accumulates.
import { randomBytes } from 'node:crypto';
import type { Kek } from '../../src/crypto/key.js';
import { encryptValue } from '../../src/crypto/envelope.js';
import type { Queryable } from '../../src/db/db.js';

export function makeKek(id: string): Kek {
  return { id, bytes: randomBytes(32) };
}

/** Inserts one llm_providers row with this api_key_encrypted; returns its id. */
export async function insertProvider(db: Queryable, value: Buffer | null, name = 'p'): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    "INSERT INTO llm_providers (name, provider_type, api_key_encrypted, api_key_set) VALUES ($1, 'openai', $2, $3) RETURNING id::text AS id",
    [name, value, value !== null],
  );
  return rows[0]!.id;
}

export async function insertEncrypted(db: Queryable, kek: Kek, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(await insertProvider(db, encryptValue(kek, `sk-test-${i}`), `p${i}`));
  return ids;
}

/** Same structure, one ciphertext character changed: parses, fails authentication. */
export function tamper(payload: Buffer): Buffer {
  const json = JSON.parse(payload.toString('utf8')) as Record<string, string>;
  const c = json.ciphertext!;
  json.ciphertext = (c[0] === 'A' ? 'B' : 'A') + c.slice(1);
  return Buffer.from(JSON.stringify(json), 'utf8');
}

/** Values that are not payloads at all; none of them may break a query. */
export const MALFORMED: Record<string, Buffer> = {
  'not UTF-8': Buffer.from([0xff, 0xfe, 0x7b, 0x22, 0xc3, 0x28]),
  'NUL bytes': Buffer.from('{"version":1,\u0000"alg":"AES-256-GCM"}', 'utf8'),
  'JSON array': Buffer.from('[1,2,3]'),
  empty: Buffer.alloc(0),
  'binary junk': randomBytes(64),
  'truncated JSON': Buffer.from('{"version":1,"alg":"AES-256-GCM","key_id":"kek-v1"'),
};
