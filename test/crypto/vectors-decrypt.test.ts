// The shared interop vectors: every valid payload decrypts to its plaintext, every invalid one is
// refused with its own problem code, and no error message carries key material.
import { describe, expect, it } from 'vitest';
import { decryptValue } from '../../src/crypto/envelope.js';
import { makeKeyRing } from '../../src/crypto/key-ring.js';
import { parseKey } from '../../src/crypto/key.js';
import { PayloadError, type PayloadProblem } from '../../src/crypto/payload.js';
import { invalidPayloadBytes, loadVectors } from './vectors.js';

const vectors = loadVectors();
const v1 = parseKey(vectors.keys['kek-v1']!, 'vectors kek-v1');
const v2 = parseKey(vectors.keys['kek-v2']!, 'vectors kek-v2');
const ring = makeKeyRing(v2, v1);
const keyMaterial = Object.values(vectors.keys).map((key) => key.slice(key.indexOf(':') + 1));

/** What each invalid vector must be refused as, by its `why`. */
const EXPECTED_PROBLEM: Record<string, PayloadProblem> = {
  'ciphertext tampered (GCM tag must fail)': 'auth-failed',
  'wrapped DEK tampered': 'dek-auth-failed',
  'unknown key_id': 'unknown-key-id',
  'unsupported payload version': 'unsupported-version',
  'unsupported algorithm': 'unsupported-algorithm',
  'missing ciphertext field': 'missing-field',
  'nonce of 8 bytes': 'bad-nonce-length',
  'wrapped DEK shorter than a nonce': 'bad-wrapped-dek',
  'not base64': 'bad-base64',
  'not JSON at all (legacy raw nonce||ct||tag)': 'not-json',
  'JSON but not an object': 'not-object',
  empty: 'empty',
};

function refusal(stored: Uint8Array | string, keys = ring): PayloadError {
  try {
    decryptValue(keys, stored);
  } catch (error) {
    expect(error).toBeInstanceOf(PayloadError);
    return error as PayloadError;
  }
  throw new Error('expected the payload to be refused, but it decrypted');
}

describe('valid vectors', () => {
  it('has vectors for both keys', () => {
    expect(new Set(vectors.valid.map((v) => v.key_id))).toEqual(new Set(['kek-v1', 'kek-v2']));
  });

  it.each(vectors.valid.map((v, i) => [i, v] as const))(
    'vector %i decrypts to its plaintext (as bytes and as text)',
    (_i, vector) => {
      expect(decryptValue(ring, Buffer.from(vector.payload, 'utf8')).toString('utf8')).toBe(vector.plaintext);
      expect(decryptValue(ring, vector.payload).toString('utf8')).toBe(vector.plaintext);
    },
  );

  it.each(vectors.valid.map((v, i) => [i, v] as const))(
    'vector %i decrypts with its own key alone and not with the other',
    (_i, vector) => {
      const own = vector.key_id === 'kek-v1' ? v1 : v2;
      const other = vector.key_id === 'kek-v1' ? v2 : v1;
      expect(decryptValue(makeKeyRing(own), vector.payload).toString('utf8')).toBe(vector.plaintext);
      expect(refusal(vector.payload, makeKeyRing(other)).problem).toBe('unknown-key-id');
    },
  );

  it('refuses a value when the key configured under its id is different key material', () => {
    const vector = vectors.valid.find((v) => v.key_id === 'kek-v1')!;
    const impostor = { id: 'kek-v1', bytes: v2.bytes };
    const error = refusal(vector.payload, makeKeyRing(impostor));
    expect(error.problem).toBe('dek-auth-failed');
    expect(error.keyId).toBe('kek-v1');
  });

  it('accepts unknown extra JSON fields, as the application does', () => {
    for (const vector of vectors.valid) {
      const atEnd = `${vector.payload.slice(0, -1)},"extra":{"note":"ignored"},"z":[1]}`;
      const atStart = `{"comment":"x",${vector.payload.slice(1)}`;
      expect(decryptValue(ring, atEnd).toString('utf8')).toBe(vector.plaintext);
      expect(decryptValue(ring, atStart).toString('utf8')).toBe(vector.plaintext);
    }
  });
});

describe('invalid vectors', () => {
  it('has an expected problem for every vector, and the problems are all different', () => {
    expect(vectors.invalid.map((v) => v.why).sort()).toEqual(Object.keys(EXPECTED_PROBLEM).sort());
    const problems = Object.values(EXPECTED_PROBLEM);
    expect(new Set(problems).size).toBe(problems.length);
  });

  it.each(vectors.invalid.map((v) => [v.why, v] as const))('refuses "%s" with its own problem', (why, vector) => {
    const error = refusal(invalidPayloadBytes(vector));
    expect(error.problem).toBe(EXPECTED_PROBLEM[why]);
    expect(error.message.length).toBeGreaterThan(0);
    for (const material of keyMaterial) expect(error.message).not.toContain(material);
  });

  it('names the key id in the error once the payload structure is readable', () => {
    const unknown = vectors.invalid.find((v) => v.why === 'unknown key_id')!;
    const error = refusal(invalidPayloadBytes(unknown));
    expect(error.keyId).toBe('kek-v999');
    expect(error.message).toContain('kek-v999');
    expect(error.message).toContain('kek-v2, kek-v1');
  });
});

describe('error messages never carry secrets', () => {
  it('no refusal of a valid vector under the wrong key shows key material or plaintext', () => {
    for (const vector of vectors.valid) {
      const impostor = makeKeyRing({ id: vector.key_id, bytes: Buffer.alloc(32, 7) });
      const error = refusal(vector.payload, impostor);
      for (const material of keyMaterial) expect(error.message).not.toContain(material);
      if (vector.plaintext.length > 3) expect(error.message).not.toContain(vector.plaintext);
      expect(error.message).not.toContain(Buffer.alloc(32, 7).toString('base64'));
    }
  });
});

describe('base64 in the canonical form (checked by shape, not by the general pattern)', () => {
  const vector = vectors.valid.find((v) => v.key_id === 'kek-v1')!;
  const nonce = (JSON.parse(vector.payload) as { nonce: string }).nonce;
  // Every one uses only base64 characters, so the canonical pattern matches and the shape check decides.
  const misshapen = [
    `${nonce.slice(0, 8)}=${nonce.slice(9)}`,
    nonce.slice(1),
    `${nonce.slice(0, 14)}=A`,
    `${nonce.slice(0, 13)}===`,
    `${nonce}====`,
    `=${nonce.slice(1)}`,
  ];

  it.each(misshapen)('nonce %s is refused as bad base64, as the general path refuses it', (bad) => {
    const canonical = vector.payload.replace(`"nonce":"${nonce}"`, `"nonce":"${bad}"`);
    expect(canonical).not.toBe(vector.payload);
    expect(refusal(canonical).problem).toBe('bad-base64');
    // The same value with one space: not canonical, so JSON.parse and the full pattern judge it.
    expect(refusal(canonical.replace('{', '{ ')).problem).toBe('bad-base64');
  });

  it('accepts one and two padding characters where they belong', () => {
    const payload = JSON.parse(vector.payload) as { dek_wrapped: string; ciphertext: string };
    expect(payload.dek_wrapped.length % 4).toBe(0);
    expect(decryptValue(ring, vector.payload).toString('utf8')).toBe(vector.plaintext);
    const padded = vectors.valid.filter((v) => /=",/.test(v.payload) || /="}$/.test(v.payload));
    expect(padded.length).toBeGreaterThan(0);
    for (const v of padded) expect(decryptValue(ring, v.payload).toString('utf8')).toBe(v.plaintext);
  });
});
