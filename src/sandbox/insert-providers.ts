// Writes fixture providers the way the application does: each API key encrypted under the given
// KEK with a fresh DEK, NULL and api_key_set false when there is no key. Batched with unnest().
import { encryptValue } from '../crypto/envelope.js';
import type { Kek } from '../crypto/key.js';
import type { Queryable } from '../db/db.js';
import type { ProviderFixture } from './fixtures.js';

export interface InsertedProvider {
  readonly id: string;
  /** What was encrypted into the row (null: no key). Kept in memory only. */
  readonly apiKey: string | null;
}

const BATCH = 500;

// bytea and jsonb travel as text arrays (hex, JSON) because the two drivers serialise arrays of
// binary values differently; PostgreSQL decodes them on the way in.
const INSERT_SQL = `
INSERT INTO llm_providers (name, provider_type, base_url, api_key_encrypted, api_key_set, settings, status)
SELECT name, provider_type, base_url, decode(key_hex, 'hex'), key_hex IS NOT NULL, settings::jsonb, status
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
       AS f(name, provider_type, base_url, key_hex, settings, status)
RETURNING id::text AS id, name`;

export async function insertProviders(
  db: Queryable,
  kek: Kek,
  providers: readonly ProviderFixture[],
): Promise<InsertedProvider[]> {
  const inserted: InsertedProvider[] = [];
  for (let start = 0; start < providers.length; start += BATCH) {
    const batch = providers.slice(start, start + BATCH);
    const { rows } = await db.query<{ id: string; name: string }>(INSERT_SQL, [
      batch.map((p) => p.name),
      batch.map((p) => p.providerType),
      batch.map((p) => p.baseUrl),
      batch.map((p) => (p.apiKey === null ? null : encryptValue(kek, p.apiKey).toString('hex'))),
      batch.map((p) => JSON.stringify(p.settings)),
      batch.map((p) => p.status),
    ]);
    // RETURNING order is not promised, so rows are matched back by name (unique within a batch).
    const byName = new Map(batch.map((p) => [p.name, p]));
    for (const row of rows) inserted.push({ id: row.id, apiKey: byName.get(row.name)?.apiKey ?? null });
  }
  return inserted;
}
