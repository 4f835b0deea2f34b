// Warnings about inputs: env and key files other users can open (named, with the chmod to run, never
// their contents), and key variables with trailing whitespace (named, never the key).
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inputWarnings, loadEnvironment } from '../../src/config/env-file.js';
import { keyFileWarning, keyVariableWarnings, openToOthersWarning } from '../../src/config/input-warnings.js';
import { formatKey, KeyFormatError, parseKey, trailingWhitespace } from '../../src/crypto/key.js';
import { DEFAULT_COLUMNS } from '../../src/db/column.js';
import { openPglite } from '../../src/db/pglite-adapter.js';
import { createProductionEffects } from '../../src/effects/production-effects.js';
import { createApplicationSchema } from '../../src/sandbox/schema.js';
import { insertEncrypted, makeKek } from '../db/seed.js';

const KEY = 'kek-v2:vXqnWWc9qRmCclrq8jHrvNvbviyB6S9TgF8vkxkkpL8=';
const MATERIAL = KEY.split(':')[1]!;
const root = mkdtempSync(path.join(tmpdir(), 'kek-warn-'));

function file(name: string, text: string, mode: number): string {
  const f = path.join(root, name);
  writeFileSync(f, text);
  chmodSync(f, mode);
  return f;
}

describe('files other users can open', () => {
  it('names the file, who can open it, its mode and the chmod to run; quiet for 0600 and 0400', () => {
    const f = file('group-and-others.env', `SECRETS_ENCRYPTION_KEY=${KEY}\n`, 0o644);
    expect(openToOthersWarning(f, 'env file', 'it holds keys and passwords')).toBe(
      `env file ${f} can be opened by its group and other users (mode 0644) and it holds keys and passwords: run \`chmod 600 ${f}\``,
    );
    expect(keyFileWarning(file('group.key', KEY, 0o640))).toMatch(/can be opened by its group \(mode 0640\)/);
    expect(keyFileWarning(file('others-write.key', KEY, 0o602))).toMatch(/can be opened by other users \(mode 0602\)/);
    expect(keyFileWarning(file('owner.key', KEY, 0o600))).toBeUndefined();
    expect(keyFileWarning(file('owner-read.key', KEY, 0o400))).toBeUndefined();
    expect(keyFileWarning(path.join(root, 'missing.key'))).toBeUndefined();
    expect(keyFileWarning(file("it's a key", KEY, 0o644))).toContain(
      `chmod 600 '${path.join(root, "it'\\''s a key")}'`,
    );
  });

  it('loadEnvironment warns about the env file it read, and inputWarnings adds --keys-file', () => {
    const cwd = mkdtempSync(path.join(root, 'cwd-'));
    file(path.relative(root, path.join(cwd, '.env')), `SECRETS_ENCRYPTION_KEY=${KEY}\n`, 0o664);
    const keys = file(path.relative(root, path.join(cwd, 'archive.keys')), `${KEY}\n`, 0o644);
    const loaded = loadEnvironment({ cwd, processEnv: {} });
    expect(loaded.warnings).toEqual([
      expect.stringContaining(
        `env file ${path.join(cwd, '.env')} can be opened by its group and other users (mode 0664)`,
      ),
    ]);
    const all = inputWarnings({ cwd, processEnv: {} }, 'archive.keys');
    expect(all).toEqual([loaded.warnings[0], expect.stringContaining(`keys file ${keys} can be opened`)]);
    expect(all.join('\n')).not.toContain(MATERIAL);
  });
});

describe('keys with whitespace', () => {
  it('describes trailing whitespace without any of the key', () => {
    expect(trailingWhitespace(`${KEY}\r`)).toBe('a trailing carriage return');
    expect(trailingWhitespace(`${KEY}\n`)).toBe('a trailing newline');
    expect(trailingWhitespace(`${KEY}   `)).toBe('3 trailing spaces');
    expect(trailingWhitespace(`${KEY}\r\n`)).toBe('trailing whitespace (carriage return, newline)');
    expect(trailingWhitespace(`${KEY}\u00a0`)).toBe('a trailing no-break space');
    expect(trailingWhitespace(`${KEY}\u3000`)).toBe('a trailing U+3000');
    expect(trailingWhitespace(KEY)).toBeUndefined();
  });

  it('warns once per key variable that had it, naming the variable and what was removed', () => {
    const warnings = keyVariableWarnings({
      SECRETS_ENCRYPTION_KEY: `${KEY}\r`,
      SECRETS_ENCRYPTION_KEY_PREVIOUS: 'kek-v1:x',
      OTHER: 'y\r',
    });
    expect(warnings).toEqual([
      'SECRETS_ENCRYPTION_KEY had a trailing carriage return; it was removed. The application reads the variable as it is and would refuse this value: give it the key without it.',
    ]);
    expect(keyVariableWarnings({ SECRETS_ENCRYPTION_KEY: '  \r\n' })).toEqual([]);
    expect(
      loadEnvironment({ cwd: root, envFile: undefined, processEnv: { SECRETS_ENCRYPTION_KEY_PREVIOUS: `${KEY} ` } })
        .warnings,
    ).toEqual([expect.stringMatching(/^SECRETS_ENCRYPTION_KEY_PREVIOUS had a trailing space; it was removed\./)]);
  });

  it('parseKey reads a key with trailing whitespace as the same key, and refuses leading whitespace', () => {
    expect(parseKey(`${KEY}\r\n`, 'SECRETS_ENCRYPTION_KEY')).toEqual(parseKey(KEY, 'x'));
    for (const [raw, what] of [
      [` ${KEY}`, 'a space'],
      [`\t${KEY}`, 'a tab'],
      [`\r\n ${KEY}`, '3 whitespace characters'],
    ] as const) {
      let error: unknown;
      try {
        parseKey(raw, 'SECRETS_ENCRYPTION_KEY');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(KeyFormatError);
      expect(error).toMatchObject({ problem: 'leading-whitespace' });
      expect((error as Error).message).toBe(
        `SECRETS_ENCRYPTION_KEY: starts with ${what}: the application would read it as part of the key id; remove it`,
      );
      expect((error as Error).message).not.toContain(MATERIAL);
    }
  });
});

describe('the runbook', () => {
  it('shows them among the preflight warnings (no stderr under the UI), never the key', async () => {
    const db = await openPglite();
    try {
      await createApplicationSchema(db);
      const v1 = makeKek('kek-v1');
      await insertEncrypted(db, v1, 2);
      const cwd = mkdtempSync(path.join(root, 'runbook-'));
      const envFile = file(
        path.relative(root, path.join(cwd, 'app.env')),
        `SECRETS_ENCRYPTION_KEY="${formatKey(v1)}\\r"\n`,
        0o644,
      );
      const effects = createProductionEffects({
        db,
        env: { cwd, envFile, processEnv: {} },
        columns: DEFAULT_COLUMNS,
        engine: { type: 'builtin' },
        journal: { path: path.join(cwd, 'journal.jsonl'), append: () => undefined },
      });
      const { warnings } = await effects.loadInventory({ signal: new AbortController().signal });
      expect(warnings).toEqual(
        expect.arrayContaining([
          expect.stringContaining(`env file ${envFile} can be opened by its group and other users (mode 0644)`),
          expect.stringContaining('SECRETS_ENCRYPTION_KEY had a trailing carriage return; it was removed.'),
        ]),
      );
      expect(warnings.join('\n')).not.toContain(v1.bytes.toString('base64'));
    } finally {
      await db.close();
    }
  }, 60_000);
});
