// Inputs from outside, through the real binary: files other users can open and keys with stray
// whitespace are warned about by name and with the fix, never by content.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatKey } from '../../src/crypto/key.js';
import { makeKek } from '../db/seed.js';
import { cli, emptyDir } from './cli-harness.js';

const V1 = makeKek('kek-v1');
const V2 = makeKek('kek-v2');
const material = (key: typeof V1) => key.bytes.toString('base64');
const NO_DB = { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x' };

/** Neither key's material anywhere in what the process printed. */
function expectNoKeys(text: string): void {
  expect(text).not.toContain(material(V1));
  expect(text).not.toContain(material(V2));
}

describe('files other users can open: one warning naming the file and the fix, never the contents', () => {
  it('.env, --env-file and --keys-file', async () => {
    const cwd = emptyDir();
    const dotenv = join(cwd, '.env');
    writeFileSync(dotenv, `SECRETS_ENCRYPTION_KEY=${formatKey(V2)}\n`);
    chmodSync(dotenv, 0o644);
    const keys = join(cwd, 'archived keys');
    writeFileSync(keys, `${formatKey(V1)}\n`);
    chmodSync(keys, 0o640);

    const r = await cli(['generate-key', '--keys-file', keys], {}, undefined, cwd);
    expect(r.exitCode, r.stderr).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.includes(' WARN '));
    expect(warnings.filter((l) => l.includes(dotenv))).toEqual([
      expect.stringContaining(
        `env file ${dotenv} can be opened by its group and other users (mode 0644) and it holds keys and passwords: run \`chmod 600 ${dotenv}\``,
      ),
    ]);
    expect(warnings.filter((l) => l.includes(keys))).toEqual([
      expect.stringContaining(
        `keys file ${keys} can be opened by its group (mode 0640) and it holds keys: run \`chmod 600 '${keys}'\``,
      ),
    ]);
    expectNoKeys(r.stderr);
    expect(r.stdout).toMatch(/^kek-v3:/);

    const envFile = join(cwd, 'prod.env');
    writeFileSync(envFile, `SECRETS_ENCRYPTION_KEY=${formatKey(V2)}\n`);
    chmodSync(envFile, 0o604);
    const explicit = await cli(['generate-key', '--env-file', envFile], {}, undefined, cwd);
    expect(explicit.exitCode, explicit.stderr).toBe(0);
    expect(explicit.stderr).toContain(`env file ${envFile} can be opened by other users (mode 0604)`);
    expect(explicit.stderr).not.toContain(dotenv);

    chmodSync(dotenv, 0o600);
    chmodSync(keys, 0o600);
    const quiet = await cli(['generate-key', '--keys-file', keys], {}, undefined, cwd);
    expect(quiet.exitCode, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toContain('can be opened by');
  });

  it('seed --key-file', async () => {
    const cwd = emptyDir();
    const file = join(cwd, 'seed.key');
    writeFileSync(file, `${formatKey(V1)}\n`);
    chmodSync(file, 0o644);
    // The key file is read before the database is opened; the unreachable database then ends the run.
    const r = await cli(['seed', '--database-url', NO_DB.DATABASE_URL, '--key-file', file], {}, undefined, cwd);
    expect(r.stderr).toContain(
      `key file ${file} can be opened by its group and other users (mode 0644) and it holds keys: run \`chmod 600 ${file}\``,
    );
    expectNoKeys(r.stdout + r.stderr);
  });
});

describe('keys with whitespace around them', () => {
  it('a trailing carriage return or newline is removed with a warning naming the variable, never the key', async () => {
    const cwd = emptyDir();
    const envFile = join(cwd, 'rotation.env');
    // A double-quoted \r keeps the carriage return in the value, as the application's dotenv would.
    writeFileSync(envFile, `SECRETS_ENCRYPTION_KEY_PREVIOUS="${formatKey(V1)}\\r"\n`, { mode: 0o600 });
    const r = await cli(
      ['generate-key', '--env-file', envFile],
      { SECRETS_ENCRYPTION_KEY: `${formatKey(V2)}\r\n` },
      undefined,
      cwd,
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      'WARN kek_rotate: SECRETS_ENCRYPTION_KEY had trailing whitespace (carriage return, newline); it was removed.',
    );
    expect(r.stderr).toContain(
      'WARN kek_rotate: SECRETS_ENCRYPTION_KEY_PREVIOUS had a trailing carriage return; it was removed.',
    );
    expect(r.stderr).toContain('The application reads the variable as it is and would refuse this value');
    expect(r.stderr.match(/had a trailing|had trailing/g)).toHaveLength(2);
    expectNoKeys(r.stderr);
    expect(r.stdout).toMatch(/^kek-v3:/);
  });

  it('leading whitespace is refused: the application would make it part of the key id', async () => {
    const r = await cli(['generate-key'], { SECRETS_ENCRYPTION_KEY: ` ${formatKey(V2)}` });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(
      'error: SECRETS_ENCRYPTION_KEY: starts with a space: the application would read it as part of the key id; remove it',
    );
    expect(r.stdout).toBe('');
    expectNoKeys(r.stderr);
  });
});
