// The key ring from the application's variables and an archived-keys file: duplicates refused with
// the variable named, files read line by line with errors naming file and line.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateKek } from '../../src/crypto/generate-key.js';
import {
  assertFreshMaterial,
  keyRingFromEnv,
  PREVIOUS_VAR,
  PRIMARY_VAR,
  readKeysFile,
} from '../../src/crypto/key-ring.js';
import { KeyFormatError } from '../../src/crypto/key.js';
import { UserError } from '../../src/errors.js';
import { loadVectors } from './vectors.js';

const vectors = loadVectors();
const V1 = vectors.keys['kek-v1']!;
const V2 = vectors.keys['kek-v2']!;
const material = (raw: string) => raw.slice(raw.indexOf(':') + 1);
const v3 = `kek-v3:${Buffer.alloc(32, 3).toString('base64')}`;
const dir = mkdtempSync(path.join(tmpdir(), 'kek-keys-'));

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('keyRingFromEnv', () => {
  it('builds primary, previous and archived keys, primary first', () => {
    const file = path.join(dir, 'archived.keys');
    writeFileSync(file, `${v3}\n`);
    const ring = keyRingFromEnv({ env: { [PRIMARY_VAR]: V2, [PREVIOUS_VAR]: V1 }, keysFile: file });
    expect(ring.primary.id).toBe('kek-v2');
    expect(ring.previous?.id).toBe('kek-v1');
    expect(ring.ids()).toEqual(['kek-v2', 'kek-v1', 'kek-v3']);
    expect(ring.get('kek-v3')?.bytes.equals(Buffer.alloc(32, 3))).toBe(true);
    expect(ring.get('kek-v4')).toBeUndefined();
  });

  it('treats an empty previous variable as not set', () => {
    expect(keyRingFromEnv({ env: { [PRIMARY_VAR]: V2, [PREVIOUS_VAR]: '  ' } }).previous).toBeUndefined();
  });

  it('says which variable is missing when there is no primary key', () => {
    const error = thrown(() => keyRingFromEnv({ env: { [PREVIOUS_VAR]: V1 } }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain(PRIMARY_VAR);
    expect(error.message).not.toContain(material(V1));
  });

  it('refuses the same key id as primary and previous, naming the previous variable', () => {
    const sameIdOtherBytes = `kek-v2:${Buffer.alloc(32, 9).toString('base64')}`;
    const error = thrown(() => keyRingFromEnv({ env: { [PRIMARY_VAR]: V2, [PREVIOUS_VAR]: sameIdOtherBytes } }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain(PREVIOUS_VAR);
    expect(error.message).toContain('kek-v2');
    expect(error.message).not.toContain(material(V2));
    expect(error.message).not.toContain(material(sameIdOtherBytes));
  });

  it('refuses an archived key whose id is already configured', () => {
    const file = path.join(dir, 'dup.keys');
    writeFileSync(file, `${V1}\n`);
    const error = thrown(() => keyRingFromEnv({ env: { [PRIMARY_VAR]: V2, [PREVIOUS_VAR]: V1 }, keysFile: file }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain('archived');
    expect(error.message).toContain('kek-v1');
  });

  it('names the variable of a malformed key', () => {
    const error = thrown(() => keyRingFromEnv({ env: { [PRIMARY_VAR]: V2, [PREVIOUS_VAR]: 'kek-v1:short==' } }));
    expect(error).toBeInstanceOf(KeyFormatError);
    expect((error as KeyFormatError).source).toBe(PREVIOUS_VAR);
  });
});

describe('readKeysFile', () => {
  it('skips comments and blank lines, accepts CRLF and indentation', () => {
    const file = path.join(dir, 'mixed.keys');
    writeFileSync(file, `# archived keys\r\n\r\n  ${V1}\r\n   # kek-v2 retired 2025\r\n${V2}\r\n\r\n`);
    expect(readKeysFile(file).map((k) => k.id)).toEqual(['kek-v1', 'kek-v2']);
  });

  it('names the file and the line of a bad key, without its material', () => {
    const file = path.join(dir, 'bad.keys');
    const bad = `kek-v4:${Buffer.alloc(16, 4).toString('base64')}`;
    writeFileSync(file, `# header\n${V1}\n\n${bad}\n`);
    const error = thrown(() => readKeysFile(file));
    expect(error).toBeInstanceOf(KeyFormatError);
    expect(error.message).toContain(`${file} line 4`);
    expect((error as KeyFormatError).problem).toBe('wrong-length');
    expect(error.message).not.toContain(material(bad));
  });

  it('says the file cannot be read when it does not exist', () => {
    const file = path.join(dir, 'missing.keys');
    const error = thrown(() => readKeysFile(file));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain(file);
    expect(error.message).toContain('ENOENT');
  });
});

describe('distinct key material', () => {
  it('refuses the old key bytes under a new id, naming both variables and never the bytes', () => {
    const forged = `kek-v2:${material(V1)}`;
    const error = thrown(() => keyRingFromEnv({ env: { [PRIMARY_VAR]: forged, [PREVIOUS_VAR]: V1 } }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain(`${PRIMARY_VAR} (kek-v2)`);
    expect(error.message).toContain(`${PREVIOUS_VAR} (kek-v1)`);
    expect(error.message).toContain('same key bytes');
    expect(`${error.message} ${(error as UserError).hint}`).not.toContain(material(V1));
  });

  it('refuses an archived key that repeats the primary or previous bytes', () => {
    const file = path.join(dir, 'same-bytes.keys');
    writeFileSync(file, `kek-v0:${material(V2)}\n`);
    const error = thrown(() => keyRingFromEnv({ env: { [PRIMARY_VAR]: V2, [PREVIOUS_VAR]: V1 }, keysFile: file }));
    expect(error.message).toContain('archived key kek-v0');
    expect(error.message).toContain(`${PRIMARY_VAR} (kek-v2)`);
  });

  it('a generated key is checked against the ring it joins', () => {
    const ring = keyRingFromEnv({ env: { [PRIMARY_VAR]: V2, [PREVIOUS_VAR]: V1 } });
    expect(() => assertFreshMaterial({ id: 'kek-v3', bytes: Buffer.from(material(V1), 'base64') }, ring)).toThrow(
      /new key kek-v3 and SECRETS_ENCRYPTION_KEY_PREVIOUS \(kek-v1\) hold the same key bytes/,
    );
    expect(() => assertFreshMaterial(generateKek('kek-v3', ring), ring)).not.toThrow();
  });
});
