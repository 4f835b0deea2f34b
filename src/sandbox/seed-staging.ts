// `kek-rotate seed`: prepares a staging database for a rehearsal. Creates the application's schema
// if it is absent, adds fixture providers encrypted under a key written to a 0600 file (never the
// screen), and refuses to touch a table holding rows it did not create unless forced.
import { decryptValue } from '../crypto/envelope.js';
import { generateKek, writeKeyFile } from '../crypto/generate-key.js';
import { makeKeyRing } from '../crypto/key-ring.js';
import type { Kek } from '../crypto/key.js';
import { PayloadError } from '../crypto/payload.js';
import type { Db } from '../db/db.js';
import { UserError } from '../errors.js';
import { DEFAULT_SEED, FIXTURE_MARK, generateProviders } from './fixtures.js';
import { insertProviders } from './insert-providers.js';
import { createApplicationSchema } from './schema.js';

export interface SeedOptions {
  db: Db;
  rows: number;
  /** Add rows even though the table holds rows kek-rotate did not create (they are never modified). */
  force?: boolean;
  /** Where to write a newly generated key (mode 0600, never overwritten). Default: ./kek-rotate-seed-<key id>.key */
  keyOutPath?: string;
  /** Encrypt under this key instead of generating one (to add rows to an earlier seed). */
  key?: Kek;
  seed?: number;
}

export interface SeedResult {
  /** The database, password masked. */
  readonly database: string;
  readonly createdSchema: boolean;
  readonly inserted: number;
  /** Of the inserted rows, how many have no API key (NULL). */
  readonly withoutKey: number;
  readonly keyId: string;
  /** Where the generated key was written; undefined when a given key was used. */
  readonly keyFile: string | undefined;
  /** Rows that were already there: from earlier seeds, and not created by kek-rotate. */
  readonly earlierFixtureRows: number;
  readonly otherRows: number;
}

const REQUIRED_COLUMNS = [
  'id',
  'name',
  'provider_type',
  'base_url',
  'api_key_encrypted',
  'api_key_set',
  'settings',
  'status',
];

async function tableExists(db: Db): Promise<boolean> {
  const { rows } = await db.query<{ oid: string | null }>("SELECT to_regclass('llm_providers')::text AS oid");
  return rows[0]?.oid != null;
}

async function assertApplicationShape(db: Db): Promise<void> {
  const { rows } = await db.query<{ name: string }>(
    "SELECT attname AS name FROM pg_attribute WHERE attrelid = to_regclass('llm_providers') AND attnum > 0 AND NOT attisdropped",
  );
  const have = new Set(rows.map((r) => r.name));
  const missing = REQUIRED_COLUMNS.filter((c) => !have.has(c));
  if (missing.length > 0) {
    throw new UserError(
      `llm_providers in ${db.label} is not the application's table: it has no column ${missing.join(', ')}`,
      'Seed a database created by the application (or an empty one: seed creates the schema).',
    );
  }
}

async function existingCounts(db: Db): Promise<{ fixtures: number; others: number }> {
  const { rows } = await db.query<{ fixtures: string | number; others: string | number }>(
    `SELECT count(*) FILTER (WHERE settings->>'${FIXTURE_MARK}' = 'true') AS fixtures,
            count(*) FILTER (WHERE settings->>'${FIXTURE_MARK}' IS DISTINCT FROM 'true') AS others
       FROM llm_providers`,
  );
  return { fixtures: Number(rows[0]?.fixtures ?? 0), others: Number(rows[0]?.others ?? 0) };
}

/** Key ids found on rows, read without decoding the whole value (so a row that is not JSON cannot break it). */
async function keyIdsInUse(db: Db): Promise<string[]> {
  const { rows } = await db.query<{ key_id: string | null }>(
    `SELECT DISTINCT substring(encode(api_key_encrypted, 'escape') FROM '"key_id":"([^"]*)"') AS key_id
       FROM llm_providers WHERE api_key_encrypted IS NOT NULL`,
  );
  return rows.map((r) => r.key_id).filter((id): id is string => id !== null);
}

/** A given key must be the one rows under its id were encrypted with: two keys under one id would make rows unreadable. */
async function assertSameMaterial(db: Db, key: Kek): Promise<void> {
  const { rows } = await db.query<{ value: Buffer }>(
    `SELECT api_key_encrypted AS value FROM llm_providers
      WHERE substring(encode(api_key_encrypted, 'escape') FROM '"key_id":"([^"]*)"') = $1 LIMIT 1`,
    [key.id],
  );
  if (!rows[0]) return;
  try {
    decryptValue(makeKeyRing(key), rows[0].value);
  } catch (error) {
    if (error instanceof PayloadError && error.problem === 'dek-auth-failed') {
      throw new UserError(
        `the key given as ${key.id} is not the key that rows under ${key.id} in ${db.label} were encrypted with`,
        'Give the key file written by the seed that created those rows.',
      );
    }
  }
}

async function chooseKey(db: Db, options: SeedOptions): Promise<{ key: Kek; generated: boolean }> {
  if (options.key) {
    await assertSameMaterial(db, options.key);
    return { key: options.key, generated: false };
  }
  const inUse = await keyIdsInUse(db);
  if (inUse.length > 0) {
    throw new UserError(
      `rows in llm_providers are already encrypted under ${inUse.join(', ')}: a new key for the new rows would leave the table on two keys`,
      'Give the key file the earlier seed wrote (so new rows use the same key), or seed an empty database.',
    );
  }
  return { key: generateKek('kek-v1'), generated: true };
}

export async function seedStagingDatabase(options: SeedOptions): Promise<SeedResult> {
  const { db, rows } = options;
  if (!Number.isInteger(rows) || rows < 1 || rows > 1_000_000) {
    throw new UserError(`--rows must be a whole number from 1 to 1000000, got ${rows}`);
  }
  const exists = await tableExists(db);
  let counts = { fixtures: 0, others: 0 };
  if (exists) {
    await assertApplicationShape(db);
    counts = await existingCounts(db);
    if (counts.others > 0 && !options.force) {
      throw new UserError(
        `llm_providers in ${db.label} holds ${counts.others} row(s) that kek-rotate did not create; refusing to add fixtures next to them`,
        'Seed an empty staging database. If this table is a disposable copy, --force adds the fixtures anyway (existing rows are never modified).',
      );
    }
  }
  const { key, generated } = exists
    ? await chooseKey(db, options)
    : { key: options.key ?? generateKek('kek-v1'), generated: !options.key };
  // The key goes to disk before any row is encrypted under it: rows under a key nobody kept are lost.
  let keyFile: string | undefined;
  if (generated) {
    keyFile = options.keyOutPath ?? `kek-rotate-seed-${key.id}.key`;
    await writeKeyFile(keyFile, key);
  }
  if (!exists) await createApplicationSchema(db);
  const providers = generateProviders({ rows, seed: options.seed ?? DEFAULT_SEED });
  await db.transaction((tx) => insertProviders(tx, key, providers));
  return {
    database: db.label,
    createdSchema: !exists,
    inserted: providers.length,
    withoutKey: providers.filter((p) => p.apiKey === null).length,
    keyId: key.id,
    keyFile,
    earlierFixtureRows: counts.fixtures,
    otherRows: counts.others,
  };
}
