// Opens the database a command works on: a PostgreSQL server when a URL is given, else embedded
// PGlite (in memory, or in a directory). Decides how the URL's sslmode is applied, once, here.
import { DatabaseError, UserError } from '../errors.js';
import type { Db } from './db.js';
import { maskDatabaseUrl } from './mask-url.js';
import { openPg } from './pg-adapter.js';
import { openPglite } from './pglite-adapter.js';

/*
 * sslmode, as pg 8 / pg-connection-string 2.x apply it (node_modules/pg-connection-string/README.md),
 * which is NOT libpq's:
 * - absent: no TLS (unless PGSSLMODE is set in the environment, which pg reads the same way).
 * - disable: no TLS.            - no-verify (pg only): TLS, certificate not checked.
 * - prefer, require, verify-ca: treated as verify-full, i.e. TLS is required and the certificate
 *   must chain to a trusted CA (sslrootcert=FILE adds one) and match the host name. `prefer`
 *   does not fall back to plaintext, and `require` verifies, both unlike libpq.
 * - verify-full: as libpq.      - uselibpqcompat=true&sslmode=...: libpq's meanings (opt-in).
 * We spell prefer/require/verify-ca out as verify-full before handing the URL to pg: the
 * behaviour is exactly pg 8's, but pg then does not print its multi-line SECURITY WARNING into
 * the terminal UI, and the check cannot silently weaken when pg 9 adopts libpq's meanings. An
 * operator who wants libpq's unverified `require` says so with uselibpqcompat=true.
 */
const SSL_MODES = ['disable', 'no-verify', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
const VERIFYING_ALIASES = new Set(['prefer', 'require', 'verify-ca']);

export interface PreparedUrl {
  /** What is handed to pg. */
  connectionString: string;
  /** The URL as the operator gave it, password masked. */
  label: string;
  sslmode: string | undefined;
}

/** Validates a DATABASE_URL and applies the sslmode rules above. Never echoes the password. */
export function prepareDatabaseUrl(url: string): PreparedUrl {
  const label = maskDatabaseUrl(url);
  let parsed: URL;
  try {
    // Only `scheme://...`: `new URL` also accepts `S3cret:x`, whose "scheme" would then be quoted.
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(url)) throw new TypeError('not a URL');
    parsed = new URL(url);
  } catch {
    throw new UserError(
      `DATABASE_URL is not a valid postgres:// URL: ${label}`,
      'Use postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=...; percent-encode special characters (@ : / # ?) in the password.',
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new UserError(
      `DATABASE_URL must start with postgres:// or postgresql://, found ${parsed.protocol}//: ${label}`,
    );
  }
  const sslmode = parsed.searchParams.get('sslmode') ?? undefined;
  const libpqCompat = parsed.searchParams.get('uselibpqcompat') === 'true';
  if (sslmode !== undefined && !(SSL_MODES as readonly string[]).includes(sslmode)) {
    throw new UserError(
      `DATABASE_URL has sslmode=${sslmode}, which the PostgreSQL driver does not support: ${label}`,
      `Use one of ${SSL_MODES.join(', ')} (verify-full checks the server certificate; disable only on a trusted network).`,
    );
  }
  if (sslmode !== undefined && !libpqCompat && VERIFYING_ALIASES.has(sslmode)) {
    parsed.searchParams.set('sslmode', 'verify-full');
  }
  return { connectionString: parsed.toString(), label, sslmode };
}

const CERT_ERRORS = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** A hint for the usual ways a first connection fails. */
function hintFor(cause: unknown, sslmode: string | undefined): string | undefined {
  const e = (cause ?? {}) as { code?: string; message?: string };
  if (e.message === 'The server does not support SSL connections') {
    return `The URL asks for TLS (sslmode=${sslmode ?? 'from PGSSLMODE'}) and this driver never falls back to plaintext. Use a server with TLS, or sslmode=disable on a trusted network.`;
  }
  if (e.code && CERT_ERRORS.has(e.code)) {
    return `The server's certificate was refused (${e.code}). sslmode=${sslmode} verifies it (see src/db/open-database.ts): add sslrootcert=/path/to/ca.pem, or opt into libpq's unverified encryption with uselibpqcompat=true&sslmode=require.`;
  }
  if (e.code === '28P01' || e.code === '28000') return 'Check the user name and password in DATABASE_URL.';
  if (e.code === '3D000') return 'The database named in DATABASE_URL does not exist on this server: check its name.';
  return undefined;
}

export interface OpenDatabaseOptions {
  /** A postgres:// URL: connect to that server. */
  databaseUrl?: string | undefined;
  /** Without a URL: embedded PGlite persisted in this directory (in memory when absent). */
  pgliteDir?: string | undefined;
  /** pg pool size. */
  max?: number | undefined;
  /** What pg_stat_activity shows for our connections, e.g. `kek-rotate reencrypt` (default `kek-rotate`). */
  applicationName?: string | undefined;
  /** How long to keep reconnecting after losing the server (default 30 s; see src/db/reconnect.ts). */
  reconnectBudgetMs?: number | undefined;
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Db> {
  if (opts.databaseUrl !== undefined && opts.databaseUrl.trim() !== '') {
    const prepared = prepareDatabaseUrl(opts.databaseUrl.trim());
    try {
      return await openPg({
        connectionString: prepared.connectionString,
        label: prepared.label,
        ...(opts.max ? { max: opts.max } : {}),
        ...(opts.applicationName !== undefined ? { applicationName: opts.applicationName } : {}),
        ...(opts.reconnectBudgetMs !== undefined ? { reconnectBudgetMs: opts.reconnectBudgetMs } : {}),
      });
    } catch (error) {
      if (!(error instanceof DatabaseError)) throw error;
      const hint = hintFor(error.cause, prepared.sslmode);
      throw hint ? new DatabaseError(error.message, hint, { cause: error.cause }) : error;
    }
  }
  try {
    return await openPglite(opts.pgliteDir);
  } catch (error) {
    throw new DatabaseError(
      `cannot open the embedded database ${opts.pgliteDir ? `at ${opts.pgliteDir}` : 'in memory'}: ${(error as Error).message}`,
      'Check that the directory is writable and not used by another kek-rotate process, or give DATABASE_URL to use a server.',
      { cause: error },
    );
  }
}
