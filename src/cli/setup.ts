// The start of every command that touches keys or the database: read .env / --env-file, build the
// key ring, connect, resolve the column registry, and warn about encrypted-looking columns it misses.
import { loadEnvironment } from '../config/env-file.js';
import { keyFileWarning } from '../config/input-warnings.js';
import { keyRingFromEnv, type KeyRing } from '../crypto/key-ring.js';
import type { ResolvedColumn } from '../db/column.js';
import type { Db } from '../db/db.js';
import { openDatabase } from '../db/open-database.js';
import { reconnectBudgetFromEnv } from '../db/reconnect.js';
import { loadRegistryConfig } from '../db/registry-config.js';
import { resolveColumns } from '../db/registry.js';
import { describeUnregistered, findUnregisteredColumns } from '../db/unregistered-columns.js';
import type { EncryptedColumn } from '../db/column.js';
import { UserError } from '../errors.js';
import type { ConnectionFlagValues } from './common-flags.js';
import type { CliIo, Output } from './output.js';

/**
 * The environment as the application would see it (see loadEnvironment). With `out`, its warnings
 * (an env file other users can open, a key variable with trailing whitespace) go there, once: the
 * interactive runbook passes none and shows them on its preflight screen instead.
 */
export function loadEnv(io: CliIo, flags: ConnectionFlagValues, out?: Output): Record<string, string | undefined> {
  const loaded = loadEnvironment({ cwd: io.cwd, envFile: flags['env-file'], processEnv: io.env });
  for (const warning of loaded.warnings) out?.warn(warning);
  return loaded.env;
}

export function loadRing(env: Record<string, string | undefined>, flags: ConnectionFlagValues, out?: Output): KeyRing {
  const keysFile = flags['keys-file'];
  const ring = keyRingFromEnv({ env, keysFile });
  const warning = keysFile === undefined ? undefined : keyFileWarning(keysFile, 'keys file');
  if (warning) out?.warn(warning);
  return ring;
}

/** The application's log lines about its keys, which scripts and operators look for. */
export function logKeyRing(out: Output, ring: KeyRing): void {
  out.info(`Encryption service initialized. Primary key: ${ring.primary.id}`);
  out.info(
    `Available keys: [${ring
      .ids()
      .map((id) => JSON.stringify(id))
      .join(', ')}]`,
  );
}

export interface DatabaseChoice {
  databaseUrl?: string | undefined;
  pgliteDir?: string | undefined;
  /** Shown in pg_stat_activity (and by a run refused for the run lock), e.g. `kek-rotate reencrypt`. */
  applicationName?: string | undefined;
  /** From KEK_ROTATE_RECONNECT_SECONDS (src/db/reconnect.ts). */
  reconnectBudgetMs?: number | undefined;
}

/** --pglite DIR, else --database-url, else DATABASE_URL; `undefined` when none is given. */
export function chooseDatabase(
  env: Record<string, string | undefined>,
  flags: ConnectionFlagValues,
): DatabaseChoice | undefined {
  const pgliteDir = flags.pglite;
  const flagUrl = flags['database-url'];
  if (pgliteDir !== undefined && flagUrl !== undefined) {
    throw new UserError('--pglite and --database-url both name a database', 'Give one of them.');
  }
  if (pgliteDir !== undefined) {
    if (pgliteDir.trim() === '')
      throw new UserError('--pglite needs a directory', 'For example --pglite ./rehearsal-db');
    return { pgliteDir };
  }
  const url = flagUrl ?? env.DATABASE_URL;
  if (url === undefined || url.trim() === '') return undefined;
  return { databaseUrl: url, reconnectBudgetMs: reconnectBudgetFromEnv(env) };
}

export function databaseRequired(): UserError {
  return new UserError(
    'DATABASE_URL not set',
    'Set DATABASE_URL=postgres://USER:PASSWORD@HOST:PORT/DATABASE in the environment or .env, or pass --database-url URL (or --pglite DIR for an embedded rehearsal database).',
  );
}

export async function connect(choice: DatabaseChoice, out: Output): Promise<Db> {
  const db = await openDatabase(choice);
  out.info(`Connected to database (${db.label})`);
  return db;
}

export interface ColumnSelection {
  entries: EncryptedColumn[];
  columns: ResolvedColumn[];
}

/** Registry entries (--config or the default), checked against the database, plus the unregistered-column warning. */
export async function prepareColumns(db: Db, flags: ConnectionFlagValues, out: Output): Promise<ColumnSelection> {
  const entries = loadRegistryConfig(flags.config);
  const columns = await resolveColumns(db, entries, { table: flags.table });
  await warnUnregistered(db, entries, out);
  return { entries, columns };
}

export async function warnUnregistered(db: Db, entries: readonly EncryptedColumn[], out: Output): Promise<void> {
  const warning = describeUnregistered(await findUnregisteredColumns(db, entries));
  if (warning) out.warn(`Columns named *_encrypted ${warning}`);
}
