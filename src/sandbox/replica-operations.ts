// The four things a replica of the application does to llm_providers, each one ordinary
// autocommitted SQL as the application issues it. New values are encrypted under the replica's
// primary key; reads decrypt with whatever keys the replica was deployed with.
import { decryptValue, encryptValue } from '../crypto/envelope.js';
import type { KeyRing } from '../crypto/key-ring.js';
import { PayloadError, peekKeyId } from '../crypto/payload.js';
import type { Queryable } from '../db/db.js';
import type { ProviderType } from './fake-api-keys.js';
import { fakeApiKey } from './fake-api-keys.js';
import { makeProvider } from './fixtures.js';
import type { SeededRandom } from './seeded-random.js';

export type ReadOutcome =
  | { ok: true; keyId: string | null; apiKey: string | null }
  | { ok: false; keyId: string | undefined; error: PayloadError };

export type UpdateMode = 'new-key' | 'resave';

interface StoredRow {
  provider_type: ProviderType;
  api_key_encrypted: Buffer | null;
}

async function load(db: Queryable, id: string): Promise<StoredRow | undefined> {
  const { rows } = await db.query<StoredRow>(
    'SELECT provider_type, api_key_encrypted FROM llm_providers WHERE id = $1',
    [id],
  );
  return rows[0];
}

function open(ring: KeyRing, stored: Buffer | null): ReadOutcome {
  if (stored === null) return { ok: true, keyId: null, apiKey: null };
  try {
    return { ok: true, keyId: peekKeyId(stored) ?? null, apiKey: decryptValue(ring, stored).toString('utf8') };
  } catch (error) {
    if (!(error instanceof PayloadError)) throw error;
    return { ok: false, keyId: error.keyId ?? peekKeyId(stored), error };
  }
}

/** Reads and decrypts one row; undefined when the row is gone. */
export async function readProvider(db: Queryable, ring: KeyRing, id: string): Promise<ReadOutcome | undefined> {
  const row = await load(db, id);
  return row ? open(ring, row.api_key_encrypted) : undefined;
}

export type UpdateOutcome =
  | { kind: 'written'; apiKey: string }
  | { kind: 'gone' }
  | { kind: 'unreadable'; read: Extract<ReadOutcome, { ok: false }> };

/**
 * `new-key`: an operator pasted a new API key. `resave`: the provider was saved unchanged, so the
 * application decrypts the key and encrypts it again under its primary (it fails if it cannot read).
 */
export async function updateProvider(
  db: Queryable,
  ring: KeyRing,
  id: string,
  mode: UpdateMode,
  random: SeededRandom,
): Promise<UpdateOutcome> {
  const row = await load(db, id);
  if (!row) return { kind: 'gone' };
  let apiKey: string;
  const current = open(ring, row.api_key_encrypted);
  if (mode === 'resave' && current.ok && current.apiKey !== null) {
    apiKey = current.apiKey;
  } else if (mode === 'resave' && !current.ok) {
    return { kind: 'unreadable', read: current };
  } else {
    apiKey = fakeApiKey(row.provider_type, random);
  }
  const { rowCount } = await db.query(
    'UPDATE llm_providers SET api_key_encrypted = $1, api_key_set = TRUE WHERE id = $2',
    [encryptValue(ring.primary, apiKey), id],
  );
  return rowCount === 1 ? { kind: 'written', apiKey } : { kind: 'gone' };
}

/** A new provider, as a user creating one in the application would. */
export async function insertProvider(
  db: Queryable,
  ring: KeyRing,
  random: SeededRandom,
  serial: number,
): Promise<{ id: string; apiKey: string | null }> {
  const provider = makeProvider(random, serial, { mark: false });
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO llm_providers (name, provider_type, base_url, api_key_encrypted, api_key_set, settings, status)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) RETURNING id::text AS id`,
    [
      provider.name,
      provider.providerType,
      provider.baseUrl,
      provider.apiKey === null ? null : encryptValue(ring.primary, provider.apiKey),
      provider.apiKey !== null,
      JSON.stringify(provider.settings),
      provider.status,
    ],
  );
  return { id: rows[0]!.id, apiKey: provider.apiKey };
}

/** True when the row existed and is now deleted. */
export async function deleteProvider(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM llm_providers WHERE id = $1', [id]);
  return rowCount === 1;
}

/** The short reason shown on the panel for a read that failed. */
export function readFailureReason(keyId: string | undefined, error: PayloadError): string {
  if (error.problem === 'unknown-key-id') return `no key for ${keyId ?? 'its key id'}`;
  if (error.problem === 'dek-auth-failed') return `the key configured as ${keyId ?? '?'} does not open it`;
  return `cannot decrypt (${error.problem})`;
}
