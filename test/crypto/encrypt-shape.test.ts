// What we write must be exactly what the application writes: compact JSON in its field order,
// padded base64, 12-byte nonces, dek_wrapped = nonce || wrapped DEK || tag, readable with the vectors' keys.
import { describe, expect, it } from 'vitest';
import { decryptValue, encryptValue } from '../../src/crypto/envelope.js';
import { makeKeyRing } from '../../src/crypto/key-ring.js';
import { parseKey } from '../../src/crypto/key.js';
import { parsePayload, serializePayload } from '../../src/crypto/payload.js';
import { openPlain, unwrapDekPlain, type RawPayload } from './independent-open.js';
import { loadVectors } from './vectors.js';

const vectors = loadVectors();
const v1 = parseKey(vectors.keys['kek-v1']!, 'vectors');
const v2 = parseKey(vectors.keys['kek-v2']!, 'vectors');
const PADDED_BASE64 = '(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?';
const APP_SHAPE = new RegExp(
  `^\\{"version":1,"alg":"AES-256-GCM","key_id":"kek-v2","dek_wrapped":"(${PADDED_BASE64})","nonce":"(${PADDED_BASE64})","ciphertext":"(${PADDED_BASE64})"\\}$`,
);

describe('encryptValue', () => {
  it.each(vectors.valid.map((v, i) => [i, v.plaintext] as const))(
    'writes vector plaintext %i in the application shape',
    (_i, plaintext) => {
      const stored = encryptValue(v2, plaintext);
      const text = stored.toString('utf8');
      const match = APP_SHAPE.exec(text);
      expect(match, text.slice(0, 120)).not.toBeNull();
      const [, dekWrapped, nonce, ciphertext] = match!;
      const plainBytes = Buffer.byteLength(plaintext, 'utf8');
      expect(Buffer.from(dekWrapped!, 'base64')).toHaveLength(12 + 32 + 16);
      expect(Buffer.from(nonce!, 'base64')).toHaveLength(12);
      expect(Buffer.from(ciphertext!, 'base64')).toHaveLength(plainBytes + 16);
      expect(Object.keys(JSON.parse(text))).toEqual(['version', 'alg', 'key_id', 'dek_wrapped', 'nonce', 'ciphertext']);
    },
  );

  it('decrypts with the vectors key, through our reader and through a plain independent one', () => {
    for (const vector of vectors.valid) {
      const stored = encryptValue(v2, vector.plaintext);
      expect(decryptValue(makeKeyRing(v2, v1), stored).toString('utf8')).toBe(vector.plaintext);
      const raw = JSON.parse(stored.toString('utf8')) as RawPayload;
      expect(openPlain(raw, v2.bytes).toString('utf8')).toBe(vector.plaintext);
    }
  });

  it('uses a fresh DEK and fresh nonces for every value', () => {
    const a = JSON.parse(encryptValue(v1, 'same').toString('utf8')) as RawPayload;
    const b = JSON.parse(encryptValue(v1, 'same').toString('utf8')) as RawPayload;
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.dek_wrapped.slice(0, 16)).not.toBe(b.dek_wrapped.slice(0, 16));
    expect(unwrapDekPlain(a, v1.bytes).equals(unwrapDekPlain(b, v1.bytes))).toBe(false);
  });
});

describe('serializePayload', () => {
  it('writes every valid vector back byte for byte after parsing it', () => {
    for (const vector of vectors.valid) {
      expect(serializePayload(parsePayload(vector.payload)).toString('utf8')).toBe(vector.payload);
    }
  });
});
