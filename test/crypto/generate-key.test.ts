// New keys: random 32 bytes under a valid id, the next free id (refusing ids in use), and a key file
// written once with mode 0600.
import { mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chooseNewKeyId, generateKek, writeKeyFile } from '../../src/crypto/generate-key.js';
import { makeKeyRing } from '../../src/crypto/key-ring.js';
import { KeyFormatError, parseKey, type Kek } from '../../src/crypto/key.js';
import { UserError } from '../../src/errors.js';

const key = (id: string, fill: number): Kek => ({ id, bytes: Buffer.alloc(32, fill) });
const dir = mkdtempSync(path.join(tmpdir(), 'kek-gen-'));

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('generateKek', () => {
  it('makes 32 random bytes under the id, in a form the key parser reads back', () => {
    const a = generateKek('kek-v2');
    const b = generateKek('kek-v2');
    expect(a.id).toBe('kek-v2');
    expect(a.bytes).toHaveLength(32);
    expect(a.bytes.equals(b.bytes)).toBe(false);
    expect(a.bytes.equals(Buffer.alloc(32))).toBe(false);
  });

  it('refuses an id the application could not use', () => {
    for (const [id, problem] of [
      ['', 'empty-key-id'],
      ['kek v2', 'bad-key-id'],
      ['kek:v2', 'bad-key-id'],
    ] as const) {
      const error = thrown(() => generateKek(id));
      expect(error).toBeInstanceOf(KeyFormatError);
      expect((error as KeyFormatError).problem).toBe(problem);
    }
  });
});

describe('chooseNewKeyId', () => {
  it('takes the next version after the current primary', () => {
    expect(chooseNewKeyId({ ring: makeKeyRing(key('kek-v1', 1)), idsInDatabase: ['kek-v1'] })).toBe('kek-v2');
    expect(chooseNewKeyId({ currentPrimaryId: 'kek-v9', idsInDatabase: [] })).toBe('kek-v10');
    expect(chooseNewKeyId({ idsInDatabase: [] })).toBe('kek-v1');
  });

  it('prefers an explicit current primary over the ring', () => {
    const ring = makeKeyRing(key('kek-v3', 3), key('kek-v2', 2));
    expect(chooseNewKeyId({ ring, currentPrimaryId: 'kek-v3', idsInDatabase: [] })).toBe('kek-v4');
  });

  it('says so when the natural next id is already a configured key, and suggests a free one', () => {
    // Staged deploy left kek-v2 as the decrypt-only previous key while kek-v1 is still primary.
    const ring = makeKeyRing(key('kek-v1', 1), key('kek-v2', 2));
    const error = thrown(() => chooseNewKeyId({ ring, idsInDatabase: ['kek-v1'] }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain('after kek-v1 would be kek-v2');
    expect(error.message).toContain('previous key');
    expect((error as UserError).hint).toContain('--id kek-v3');
  });

  it('says so when the natural next id is on rows in the database', () => {
    const error = thrown(() =>
      chooseNewKeyId({ currentPrimaryId: 'kek-v1', idsInDatabase: ['kek-v1', 'kek-v2', 'kek-v3'] }),
    );
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain('kek-v2 is already used');
    expect(error.message).toContain('rows in the database');
    expect((error as UserError).hint).toContain('--id kek-v4');
  });

  it('returns a requested id that is free, and refuses one in use anywhere', () => {
    const ring = makeKeyRing(key('kek-v1', 1), undefined, [key('old-a', 5)]);
    expect(chooseNewKeyId({ ring, idsInDatabase: ['kek-v1'], requested: 'kek-2026-01' })).toBe('kek-2026-01');
    for (const [requested, where] of [
      ['kek-v1', 'primary'],
      ['old-a', 'archived'],
      ['kek-v7', 'rows in the database'],
    ] as const) {
      const error = thrown(() => chooseNewKeyId({ ring, idsInDatabase: ['kek-v1', 'kek-v7'], requested }));
      expect(error).toBeInstanceOf(UserError);
      expect(error.message).toContain(`key id ${requested} is already used`);
      expect(error.message).toContain(where);
    }
  });

  it('refuses a requested id the application could not use', () => {
    const error = thrown(() => chooseNewKeyId({ idsInDatabase: [], requested: 'has space' }));
    expect(error).toBeInstanceOf(KeyFormatError);
    expect((error as KeyFormatError).problem).toBe('bad-key-id');
  });
});

describe('writeKeyFile', () => {
  const originalUmask = process.umask();
  afterEach(() => {
    process.umask(originalUmask);
  });

  it('writes the key and a newline with mode 0600, even under a permissive umask', async () => {
    process.umask(0);
    const file = path.join(dir, 'kek-v2.key');
    const kek = generateKek('kek-v2');
    await writeKeyFile(file, kek);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(parseKey(text, file).bytes.equals(kek.bytes)).toBe(true);
  });

  it('refuses to overwrite an existing file and leaves it untouched', async () => {
    const file = path.join(dir, 'existing.key');
    writeFileSync(file, 'keep me\n');
    const error = await rejection(writeKeyFile(file, generateKek('kek-v3')));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain('refusing to overwrite');
    expect(error.message).toContain(file);
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');
  });

  it('refuses to follow a symlink planted at the path', async () => {
    const target = path.join(dir, 'elsewhere');
    const link = path.join(dir, 'link.key');
    symlinkSync(target, link);
    const error = await rejection(writeKeyFile(link, generateKek('kek-v3')));
    expect(error).toBeInstanceOf(UserError);
    expect(() => statSync(target)).toThrow();
  });

  it('says which file could not be written when the directory is missing', async () => {
    const file = path.join(dir, 'no-such-dir', 'k.key');
    const kek = generateKek('kek-v4');
    const error = await rejection(writeKeyFile(file, kek));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain(file);
    expect(error.message).toContain('ENOENT');
    expect(error.message).not.toContain(kek.bytes.toString('base64'));
  });
});
