// The strict dotenv reader: the forms operators write, errors that name file and line and never the
// value, and the precedence of process environment over files.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnvironment, parseEnvText, readEnvFile } from '../../src/config/env-file.js';
import { UserError } from '../../src/errors.js';

const KEY = 'kek-v2:vXqnWWc9qRmCclrq8jHrvNvbviyB6S9TgF8vkxkkpL8=';
const SECRET = 'p4ss-w0rd-s3cret';
const root = mkdtempSync(path.join(tmpdir(), 'kek-env-'));

function fresh(name: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir);
  return dir;
}

function refusal(text: string): UserError {
  try {
    parseEnvText(text, '/etc/app/.env');
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected the text to be refused');
}

describe('parseEnvText', () => {
  it('reads the forms operators write', () => {
    const text = [
      '# rotation keys',
      '',
      `SECRETS_ENCRYPTION_KEY=${KEY}`,
      `export SECRETS_ENCRYPTION_KEY_PREVIOUS='kek-v1:HAhrhTCnocp9REuv9bXWKTZ2r2DX+50UpNRYe08YJDU='`,
      'DATABASE_URL="postgres://app:p%40ss@db:5432/app"  # primary',
      '  SPACED = value with spaces   ',
      'INLINE=abc # a comment',
      'HASH_IN_VALUE=abc#def',
      'EMPTY=',
      'EMPTY_QUOTED=""',
      'ESCAPES="a\\nb\\t\\"c\\" \\\\ \\$HOME"',
      "LITERAL='a\\nb $HOME ${X}'",
      'URL_WITH_EQUALS=a=b=c',
    ].join('\r\n');
    expect(parseEnvText(text, 'x')).toEqual({
      SECRETS_ENCRYPTION_KEY: KEY,
      SECRETS_ENCRYPTION_KEY_PREVIOUS: 'kek-v1:HAhrhTCnocp9REuv9bXWKTZ2r2DX+50UpNRYe08YJDU=',
      DATABASE_URL: 'postgres://app:p%40ss@db:5432/app',
      SPACED: 'value with spaces',
      INLINE: 'abc',
      HASH_IN_VALUE: 'abc#def',
      EMPTY: '',
      EMPTY_QUOTED: '',
      ESCAPES: 'a\nb\t"c" \\ $HOME',
      LITERAL: 'a\\nb $HOME ${X}',
      URL_WITH_EQUALS: 'a=b=c',
    });
  });

  it('ignores a byte-order mark at the start', () => {
    expect(parseEnvText(`\uFEFFA=1\n`, 'x')).toEqual({ A: '1' });
  });

  it.each([
    ['a line without "="', `${SECRET}`, 2, 'no "="'],
    ['a pasted key (its padding is the only "=")', `${KEY}`, 2, 'not a variable name'],
    ['an invalid name', `1BAD=${SECRET}`, 2, 'not a variable name'],
    ['an unclosed double quote', `A="${SECRET}`, 2, 'double-quoted value is not closed'],
    ['an unclosed single quote', `A='${SECRET}`, 2, 'single-quoted value is not closed'],
    ['text after a closing quote', `A="${SECRET}"x`, 2, 'after the closing quote'],
    ['an unknown escape', `A="${SECRET}\\q"`, 2, 'unknown "\\" escape'],
    ['substitution unquoted', `A=${SECRET}$HOME`, 2, '$ substitution'],
    ['substitution in double quotes', `A="${SECRET}\${B}"`, 2, '$ substitution'],
    ['a name set twice', `A=1\nA=${SECRET}`, 3, 'already set on line 2'],
  ])('refuses %s, naming file and line, without the value', (_what, bad, line, problem) => {
    const error = refusal(`# first line\n${bad}\n`);
    expect(error.message).toContain(`/etc/app/.env line ${line}: `);
    expect(error.message).toContain(problem);
    expect(error.hint).toBeTruthy();
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain(KEY.slice(7));
  });

  it('names the variable whose value is wrong', () => {
    expect(refusal(`SECRETS_ENCRYPTION_KEY="${KEY}`).message).toContain('SECRETS_ENCRYPTION_KEY:');
  });
});

describe('readEnvFile', () => {
  it('reads a file', () => {
    const file = path.join(fresh('read'), 'app.env');
    writeFileSync(file, `A=1\nexport B="2"\n`);
    expect(readEnvFile(file, { required: true })).toEqual({ A: '1', B: '2' });
  });

  it('returns nothing for a missing optional file and refuses a missing required one', () => {
    const file = path.join(root, 'missing.env');
    expect(readEnvFile(file, { required: false })).toEqual({});
    expect(() => readEnvFile(file, { required: true })).toThrow(UserError);
    expect(() => readEnvFile(file, { required: true })).toThrow(`env file ${file} does not exist`);
  });

  it('says why a path that is not a file cannot be read', () => {
    const dir = fresh('a-directory');
    expect(() => readEnvFile(dir, { required: false })).toThrow(/EISDIR/);
    expect(() => readEnvFile(dir, { required: true })).toThrow(`env file ${dir} is a directory, not a file`);
  });
});

describe('loadEnvironment', () => {
  it('uses .env from the working directory when present, with the process environment winning', () => {
    const cwd = fresh('dotenv');
    writeFileSync(path.join(cwd, '.env'), `SECRETS_ENCRYPTION_KEY=${KEY}\nDATABASE_URL=postgres://file\n`);
    const { env, sources } = loadEnvironment({ cwd, processEnv: { DATABASE_URL: 'postgres://shell', OTHER: 'x' } });
    expect(env).toEqual({ SECRETS_ENCRYPTION_KEY: KEY, DATABASE_URL: 'postgres://shell', OTHER: 'x' });
    expect(sources).toEqual([path.join(cwd, '.env')]);
  });

  it('reports no source when there is no .env', () => {
    const cwd = fresh('no-dotenv');
    expect(loadEnvironment({ cwd, processEnv: { A: '1' } })).toEqual({ env: { A: '1' }, sources: [], warnings: [] });
  });

  it('reads --env-file relative to the working directory instead of .env, not in addition to it', () => {
    const cwd = fresh('explicit');
    writeFileSync(path.join(cwd, '.env'), `SECRETS_ENCRYPTION_KEY_PREVIOUS=${KEY}\n`);
    writeFileSync(path.join(cwd, 'prod.env'), `SECRETS_ENCRYPTION_KEY=${KEY}\n`);
    const { env, sources } = loadEnvironment({ cwd, envFile: 'prod.env', processEnv: {} });
    expect(env).toEqual({ SECRETS_ENCRYPTION_KEY: KEY });
    expect(sources).toEqual([path.join(cwd, 'prod.env')]);
  });

  it('refuses a --env-file that does not exist', () => {
    const cwd = fresh('missing-explicit');
    expect(() => loadEnvironment({ cwd, envFile: 'nope.env', processEnv: {} })).toThrow(UserError);
  });

  it('refuses a malformed .env even though it is optional', () => {
    const cwd = fresh('bad-dotenv');
    writeFileSync(path.join(cwd, '.env'), `GOOD=1\nBAD="${SECRET}\n`);
    expect(() => loadEnvironment({ cwd, processEnv: {} })).toThrow(`${path.join(cwd, '.env')} line 2`);
  });
});
