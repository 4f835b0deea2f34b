// The snippet file writer: a new file, mode 0600, exactly the snippet, never over anything.
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatKey } from '../../src/crypto/key.js';
import { dotenvSnippet, snippetFileName, writeSnippetFile } from '../../src/deploy/index.js';
import { UserError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'kek-snippet-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NEW = { id: 'kek-v2', bytes: randomBytes(32) };
const OLD = { id: 'kek-v1', bytes: randomBytes(32) };
const SNIPPET = dotenvSnippet({ primary: NEW, previous: OLD });

describe('writeSnippetFile', () => {
  it('writes exactly the snippet, keys included, to a new file of mode 0600 even under umask 0', async () => {
    const path = join(dir, 'both.env');
    const umask = process.umask(0);
    try {
      await writeSnippetFile(path, SNIPPET);
    } finally {
      process.umask(umask);
    }
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const text = readFileSync(path, 'utf8');
    expect(text === SNIPPET, 'the file holds the snippet byte for byte').toBe(true);
    expect(text.includes(formatKey(NEW)) && text.includes(formatKey(OLD)), 'both keys are in the file').toBe(true);
  });

  it('refuses to overwrite a file, and leaves it as it was', async () => {
    const path = join(dir, 'taken.env');
    writeFileSync(path, 'precious\n', { mode: 0o644 });
    const error = await writeSnippetFile(path, SNIPPET).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(`refusing to overwrite ${path}: the file already exists`);
    expect(readFileSync(path, 'utf8')).toBe('precious\n');
    expect(statSync(path).mode & 0o777).toBe(0o644);
  });

  it('refuses a symlink, even one pointing nowhere, and writes nothing through it', async () => {
    const target = join(dir, 'elsewhere.env');
    const link = join(dir, 'link.env');
    symlinkSync(target, link);
    const error = await writeSnippetFile(link, SNIPPET).catch((e: unknown) => e);
    expect((error as UserError).message).toContain('refusing to overwrite');
    expect(existsSync(target)).toBe(false);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('names a missing directory, and leaves no file behind', async () => {
    const path = join(dir, 'no-such-dir', 'x.env');
    const error = await writeSnippetFile(path, SNIPPET).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(`cannot write snippet file ${path}: ENOENT`);
    expect(existsSync(path)).toBe(false);
  });
});

describe('snippetFileName', () => {
  it('names the key ids and the format', () => {
    expect(snippetFileName('dotenv', { primary: NEW, previous: OLD })).toBe('kek-v2+kek-v1.env');
    expect(snippetFileName('shell', { primary: NEW })).toBe('kek-v2.sh');
    expect(snippetFileName('kubernetes', { primary: OLD, previous: NEW })).toBe('kek-v1+kek-v2.yaml');
    expect(snippetFileName('docker', { primary: NEW })).toBe('kek-v2.docker.sh');
  });
});
