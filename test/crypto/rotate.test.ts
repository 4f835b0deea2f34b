// rotateValue on the vectors: 'reencrypt' makes a fresh DEK and ciphertext; 'rewrap' keeps nonce and
// ciphertext byte for byte and only wraps the same DEK under the new key.
import { describe, expect, it } from 'vitest';
import { decryptValue, rotateValue } from '../../src/crypto/envelope.js';
import { makeKeyRing } from '../../src/crypto/key-ring.js';
import { parseKey } from '../../src/crypto/key.js';
import { PayloadError } from '../../src/crypto/payload.js';
import { unwrapDekPlain, type RawPayload } from './independent-open.js';
import { invalidPayloadBytes, loadVectors } from './vectors.js';

const vectors = loadVectors();
const v1 = parseKey(vectors.keys['kek-v1']!, 'vectors');
const v2 = parseKey(vectors.keys['kek-v2']!, 'vectors');
const v3 = parseKey(`kek-v3:${Buffer.alloc(32, 0x33).toString('base64')}`, 'test');
const ring = makeKeyRing(v3, v2, [v1]);
const raw = (stored: Uint8Array | string) => JSON.parse(Buffer.from(stored).toString('utf8')) as RawPayload;
const kekBytes = (id: string) => (id === 'kek-v1' ? v1.bytes : v2.bytes);

describe.each(vectors.valid.map((v, i) => [i, v] as const))('vector %i', (_i, vector) => {
  const before = raw(vector.payload);

  it('reencrypt: new key id, new DEK, new nonce and ciphertext; decrypts with the new key alone', () => {
    const { fromKeyId, payload } = rotateValue(ring, vector.payload, v3, 'reencrypt');
    const after = raw(payload);
    expect(fromKeyId).toBe(vector.key_id);
    expect(after.key_id).toBe('kek-v3');
    expect(after.nonce).not.toBe(before.nonce);
    expect(after.ciphertext).not.toBe(before.ciphertext);
    expect(after.dek_wrapped).not.toBe(before.dek_wrapped);
    expect(unwrapDekPlain(after, v3.bytes).equals(unwrapDekPlain(before, kekBytes(vector.key_id)))).toBe(false);
    expect(decryptValue(makeKeyRing(v3), payload).toString('utf8')).toBe(vector.plaintext);
  });

  it('rewrap: nonce and ciphertext byte-identical, same DEK wrapped anew under the new key', () => {
    const { fromKeyId, payload } = rotateValue(ring, Buffer.from(vector.payload), v3, 'rewrap');
    const after = raw(payload);
    expect(fromKeyId).toBe(vector.key_id);
    expect(after.key_id).toBe('kek-v3');
    expect(after.nonce).toBe(before.nonce);
    expect(after.ciphertext).toBe(before.ciphertext);
    expect(after.dek_wrapped).not.toBe(before.dek_wrapped);
    expect(unwrapDekPlain(after, v3.bytes).equals(unwrapDekPlain(before, kekBytes(vector.key_id)))).toBe(true);
    expect(decryptValue(makeKeyRing(v3), payload).toString('utf8')).toBe(vector.plaintext);
  });
});

describe('rotateValue refusals', () => {
  it.each(vectors.invalid.map((v) => [v.why, v] as const))(
    'refuses invalid vector "%s" in both modes',
    (_why, vector) => {
      for (const mode of ['reencrypt', 'rewrap'] as const) {
        expect(() => rotateValue(makeKeyRing(v2, v1), invalidPayloadBytes(vector), v2, mode)).toThrow(PayloadError);
      }
    },
  );

  it('drops unknown extra fields it cannot know the meaning of, and keeps the value readable', () => {
    const vector = vectors.valid[0]!;
    const withExtra = `${vector.payload.slice(0, -1)},"extra":1}`;
    const { payload } = rotateValue(ring, withExtra, v3, 'rewrap');
    expect(Object.keys(raw(payload))).toEqual(['version', 'alg', 'key_id', 'dek_wrapped', 'nonce', 'ciphertext']);
    expect(decryptValue(makeKeyRing(v3), payload).toString('utf8')).toBe(vector.plaintext);
  });
});
