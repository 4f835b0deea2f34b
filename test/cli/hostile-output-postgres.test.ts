// The real binary against real PostgreSQL: nothing secret or hostile is printed. A database password
// never appears, whatever form the connection string takes; a key id read from a row that holds
// terminal controls, bidi overrides or line separators reaches neither the terminal nor a JSON line raw.
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encryptValue } from '../../src/crypto/envelope.js';
import { freshPg, SKIP_PG_REASON, TEST_DATABASE_URL, type TestDatabase } from '../helpers/test-db.js';
import { insertProvider } from '../db/seed.js';
import { cli, seed } from './cli-harness.js';

const SECRET = 'Hunter2pw-Zq9';
/** Everything terminal-safe.ts replaces, except the \n that ends each line. */
const RAW_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;
const HOSTILE_KEY_ID = 'kek\u202ev1\u2028x\u001b[2J\u0007\u009b31m\u2066';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function withParam(url: string, param: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}${param}`;
}

describe('a database password never reaches output (no server needed)', () => {
  it('a password query parameter of an unreachable server is masked: exit 3', async () => {
    const port = await closedPort();
    const r = await cli(['verify', '--database-url', `postgres://127.0.0.1:${port}/db?user=app&password=${SECRET}`]);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain(`error: cannot connect to postgres://127.0.0.1:${port}/db?user=app&password=****: `);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it('a DATABASE_URL that is not a URL is described, never echoed: exit 2', async () => {
    const r = await cli(['verify'], { DATABASE_URL: SECRET });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(
      `error: DATABASE_URL is not a valid postgres:// URL: ${SECRET.length} characters that are not a URL (not shown)`,
    );
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it('a libpq keyword/value string with a quoted password is shown with the whole password masked: exit 2', async () => {
    const r = await cli(['verify', '--database-url', `host=127.0.0.1 password='${SECRET} and more' dbname=app`]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('host=127.0.0.1 password=**** dbname=app');
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(r.stdout + r.stderr).not.toContain('and more');
  });
});

describe('PostgreSQL is available where it must be', () => {
  it('CI runs these tests instead of skipping them', () => {
    if (process.env.CI) expect(TEST_DATABASE_URL, SKIP_PG_REASON).toBeTruthy();
  });
});

describe.skipIf(!TEST_DATABASE_URL)('on PostgreSQL', () => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.drop();
    t = undefined;
  });
  const open = async () => (t = await freshPg('hostile'));

  it('a password query parameter is masked in every line of a run that connects', async () => {
    const { db, url } = await open();
    const s = await seed(db, { rows: 0, onV2: 2 });
    // The server trusts local connections: the password is accepted and ignored, so the runs go on.
    const env = { DATABASE_URL: withParam(url!, `password=${SECRET}`), ...s.keysEnv };
    for (const args of [['verify'], ['reencrypt', '--dry-run'], ['reencrypt', '--dry-run', '--json']]) {
      const r = await cli(args, env);
      expect(r.exitCode, args.join(' ')).toBe(0);
      expect(r.stderr, args.join(' ')).toContain('password=****');
      expect(r.stdout + r.stderr, args.join(' ')).not.toContain(SECRET);
    }
  });

  it('a key id with controls, bidi overrides and line separators is never printed raw', async () => {
    const { db, url } = await open();
    const s = await seed(db, { rows: 2 });
    const payload = JSON.parse(encryptValue(s.v1, 'sk-hostile').toString('utf8')) as Record<string, unknown>;
    payload['key_id'] = HOSTILE_KEY_ID;
    await insertProvider(db, Buffer.from(JSON.stringify(payload), 'utf8'), 'hostile\u2028name');
    const env = { DATABASE_URL: url, ...s.keysEnv };

    const verify = await cli(['verify', '--deep'], env);
    expect(verify.exitCode).toBe(1);
    expect(verify.stdout).toContain('kek\\u202ev1\\u2028x\\x1b[2J');

    const runs = [verify, await cli(['reencrypt', '--dry-run'], env), await cli(['reencrypt'], env)];
    for (const r of runs) {
      expect(r.stdout).not.toMatch(RAW_UNSAFE);
      expect(r.stderr).not.toMatch(RAW_UNSAFE);
    }
    const dryRun = runs[1]!;
    expect(dryRun.exitCode).toBe(1);
    expect(dryRun.stdout).toContain('kek\uFFFDv1\uFFFDx\uFFFD[2J');

    const json = await cli(['reencrypt', '--dry-run', '--json'], env);
    expect(json.exitCode).toBe(1);
    expect(json.stdout).not.toMatch(RAW_UNSAFE);
    const lines = json.stdout.trimEnd().split('\n');
    const events = lines.map((line) => JSON.parse(line) as { type: string; failure?: { keyId?: string } });
    // Still the same key id once parsed: escaped, not altered.
    expect(events.some((e) => e.type === 'row-failed' && e.failure?.keyId === HOSTILE_KEY_ID)).toBe(true);
  });
});
