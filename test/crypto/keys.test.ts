// Key parsing against the shared invalid-key vectors, and key ids: next version and ordering.
import { describe, expect, it } from 'vitest';
import { compareKeyIds, nextKeyId } from '../../src/crypto/key-id.js';
import { formatKey, KeyFormatError, parseKey, type KeyProblem } from '../../src/crypto/key.js';
import { loadVectors } from './vectors.js';

const vectors = loadVectors();

/** What each invalid key vector must be refused as, by its `why`. */
const EXPECTED_PROBLEM: Record<string, KeyProblem> = {
  'key of 16 bytes': 'wrong-length',
  'key of 33 bytes': 'wrong-length',
  'no key id': 'no-key-id',
  'empty key id': 'empty-key-id',
  'not base64': 'bad-base64',
  empty: 'empty',
};

function refusal(raw: string, source = 'SECRETS_ENCRYPTION_KEY'): KeyFormatError {
  try {
    parseKey(raw, source);
  } catch (error) {
    expect(error).toBeInstanceOf(KeyFormatError);
    return error as KeyFormatError;
  }
  throw new Error('expected the key to be refused');
}

describe('parseKey', () => {
  it.each(Object.entries(vectors.keys))('reads the vector key %s and writes it back unchanged', (id, raw) => {
    const key = parseKey(raw, 'vectors');
    expect(key.id).toBe(id);
    expect(key.bytes).toHaveLength(32);
    expect(formatKey(key)).toBe(raw);
  });

  it('ignores trailing whitespace (a pasted key often ends with a newline) but refuses leading whitespace (the application keeps it in the id)', () => {
    const raw = vectors.keys['kek-v1']!;
    expect(parseKey(`${raw}\r\n`, 'x').id).toBe('kek-v1');
    expect(() => parseKey(`  ${raw}`, 'x')).toThrow(/starts with 2 whitespace characters/);
  });

  it('has an expected problem for every invalid key vector', () => {
    expect(vectors.invalid_keys.map((v) => v.why).sort()).toEqual(Object.keys(EXPECTED_PROBLEM).sort());
  });

  it.each(vectors.invalid_keys.map((v) => [v.why, v.key] as const))(
    'refuses "%s" with its problem, naming the source and not the key',
    (why, raw) => {
      const error = refusal(raw);
      expect(error.problem).toBe(EXPECTED_PROBLEM[why]);
      expect(error.source).toBe('SECRETS_ENCRYPTION_KEY');
      expect(error.message.startsWith('SECRETS_ENCRYPTION_KEY: ')).toBe(true);
      expect(error.hint).toMatch(/generate-key/);
      const material = raw.includes(':') ? raw.slice(raw.indexOf(':') + 1) : raw;
      if (material !== '') expect(error.message).not.toContain(material);
    },
  );

  it('says how many bytes a wrong-length key has', () => {
    expect(refusal(vectors.invalid_keys.find((v) => v.why === 'key of 16 bytes')!.key).message).toContain('16 bytes');
    expect(refusal(vectors.invalid_keys.find((v) => v.why === 'key of 33 bytes')!.key).message).toContain('33 bytes');
  });

  it('splits at the first ":" like the application, so a second ":" makes the material invalid', () => {
    const material = vectors.keys['kek-v1']!.split(':')[1]!;
    expect(refusal(`kek-v1:x:${material}`).problem).toBe('bad-base64');
  });

  it('refuses key ids with characters that would break env files and SQL reports', () => {
    const material = vectors.keys['kek-v1']!.split(':')[1]!;
    for (const id of ['kek v1', 'kek"v1', 'x'.repeat(65)]) {
      const error = refusal(`${id}:${material}`);
      expect(error.problem).toBe('bad-key-id');
      expect(error.message).not.toContain(material);
    }
  });

  it('refuses unpadded and URL-safe base64 (the application wants standard, padded)', () => {
    const bytes = Buffer.alloc(32, 0xfb);
    expect(refusal(`kek-v1:${bytes.toString('base64').replace(/=+$/, '')}`).problem).toBe('bad-base64');
    expect(refusal(`kek-v1:${bytes.toString('base64url')}=`).problem).toBe('bad-base64');
  });
});

describe('nextKeyId', () => {
  it.each([
    ['kek-v1', 'kek-v2'],
    ['kek-v9', 'kek-v10'],
    ['kek-v99', 'kek-v100'],
    ['kek-v2025', 'kek-v2026'],
    ['primary', 'primary-v2'],
  ])('%s -> %s', (current, next) => {
    expect(nextKeyId(current)).toBe(next);
  });
});

describe('compareKeyIds', () => {
  it('orders versions by number, not as text', () => {
    expect(['kek-v10', 'kek-v2', 'kek-v1', 'kek-v9'].sort(compareKeyIds)).toEqual([
      'kek-v1',
      'kek-v2',
      'kek-v9',
      'kek-v10',
    ]);
    expect(compareKeyIds('kek-v3', 'kek-v3')).toBe(0);
  });
});
