// openDatabase: pg for a URL (sslmode applied as documented in src/db/open-database.ts, password
// never shown), embedded PGlite otherwise.
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, prepareDatabaseUrl } from '../../src/db/open-database.js';
import { DatabaseError, UserError } from '../../src/errors.js';
import { TEST_DATABASE_URL } from '../helpers/test-db.js';

const PASSWORD = 'pw-Sup3r-s3cret';

/** A port nothing listens on: bind one, then release it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function withSslmode(url: string, query: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}${query}`;
}

describe('DATABASE_URL handling', () => {
  it('spells the verifying sslmodes out as verify-full unless libpq semantics are asked for', () => {
    const base = `postgres://app:${PASSWORD}@db.example:5432/app`;
    expect(new URL(prepareDatabaseUrl(`${base}?sslmode=require`).connectionString).searchParams.get('sslmode')).toBe(
      'verify-full',
    );
    expect(new URL(prepareDatabaseUrl(`${base}?sslmode=prefer`).connectionString).searchParams.get('sslmode')).toBe(
      'verify-full',
    );
    expect(new URL(prepareDatabaseUrl(`${base}?sslmode=verify-ca`).connectionString).searchParams.get('sslmode')).toBe(
      'verify-full',
    );
    expect(new URL(prepareDatabaseUrl(`${base}?sslmode=disable`).connectionString).searchParams.get('sslmode')).toBe(
      'disable',
    );
    expect(new URL(prepareDatabaseUrl(`${base}?sslmode=no-verify`).connectionString).searchParams.get('sslmode')).toBe(
      'no-verify',
    );
    const compat = prepareDatabaseUrl(`${base}?uselibpqcompat=true&sslmode=require`);
    expect(new URL(compat.connectionString).searchParams.get('sslmode')).toBe('require');
    const prepared = prepareDatabaseUrl(`${base}?sslmode=require`);
    expect(prepared.label).toBe('postgres://app:****@db.example:5432/app?sslmode=require');
    expect(prepared.sslmode).toBe('require');
  });

  it('refuses unknown sslmodes, other schemes and unparsable URLs without showing the password', () => {
    for (const url of [
      `postgres://app:${PASSWORD}@h/app?sslmode=requir`,
      `postgres://app:${PASSWORD}@h/app?sslmode=allow`,
      `mysql://app:${PASSWORD}@h/app`,
      `postgres://app:${PASSWORD}@h:notaport/app`,
    ]) {
      let error: unknown;
      try {
        prepareDatabaseUrl(url);
      } catch (e) {
        error = e;
      }
      expect(error, url).toBeInstanceOf(UserError);
      expect(`${(error as UserError).message} ${(error as UserError).hint ?? ''}`).not.toContain(PASSWORD);
    }
  });

  it('reports an unreachable server as a DatabaseError showing the URL with the password masked', async () => {
    const port = await closedPort();
    const error = await openDatabase({ databaseUrl: `postgres://app:${PASSWORD}@127.0.0.1:${port}/app` }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatabaseError);
    const text = `${(error as DatabaseError).message} ${(error as DatabaseError).hint ?? ''}`;
    expect(text).toContain(`postgres://app:****@127.0.0.1:${port}/app`);
    expect(text).toContain('ECONNREFUSED');
    expect(text).not.toContain(PASSWORD);
  });

  it.skipIf(!TEST_DATABASE_URL)('connects with sslmode=disable to a server without TLS', async () => {
    const db = await openDatabase({ databaseUrl: withSslmode(TEST_DATABASE_URL!, 'sslmode=disable') });
    try {
      expect(db.kind).toBe('pg');
      const { rows } = await db.query<{ ssl: boolean }>(
        'SELECT coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false) AS ssl',
      );
      expect(rows[0]!.ssl).toBe(false);
    } finally {
      await db.close();
    }
  });

  it.skipIf(!TEST_DATABASE_URL)(
    'with sslmode=require, refuses a server without TLS (no silent plaintext) and explains, quietly',
    async () => {
      const probe = await openDatabase({ databaseUrl: TEST_DATABASE_URL });
      const { rows } = await probe.query<{ ssl: string }>('SHOW ssl');
      await probe.close();
      if (rows[0]!.ssl === 'on') return; // this check needs a server without TLS, as in CI
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(w.message);
      process.on('warning', onWarning);
      try {
        const error = await openDatabase({ databaseUrl: withSslmode(TEST_DATABASE_URL!, 'sslmode=require') }).catch(
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(DatabaseError);
        expect((error as DatabaseError).message).toContain('does not support SSL');
        expect((error as DatabaseError).hint).toMatch(/never falls back to plaintext/);
        await new Promise((r) => setTimeout(r, 10));
        expect(warnings.filter((w) => w.includes('SECURITY WARNING'))).toEqual([]);
      } finally {
        process.off('warning', onWarning);
      }
    },
  );

  it('opens embedded PGlite in a directory without a URL', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'kek-pglite-')), 'data');
    const db = await openDatabase({ databaseUrl: '', pgliteDir: dir });
    try {
      expect(db.kind).toBe('pglite');
      expect(db.label).toContain(dir);
      await db.query('CREATE TABLE t (x int)');
      expect(existsSync(path.join(dir, 'PG_VERSION'))).toBe(true);
    } finally {
      await db.close();
    }
  }, 180_000);
});
