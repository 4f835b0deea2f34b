// Envelope encrypt, decrypt, re-encrypt (fresh DEK) and rewrap (same DEK, new KEK), byte-compatible
// with the application. Every rotated value is decrypted back before it is handed to a writer.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { Kek } from './key.js';
import type { KeyRing } from './key-ring.js';
import {
  DEK_BYTES,
  NONCE_BYTES,
  PayloadError,
  TAG_BYTES,
  parsePayload,
  serializePayload,
  type ParsedPayload,
} from './payload.js';
import { randomSlice } from './random-pool.js';

const DEK_AUTH_FAILED =
  'data key: authentication failed: encrypted under a different key with this id, or dek_wrapped was altered';
const VALUE_AUTH_FAILED = 'value: authentication failed: the nonce or ciphertext was altered';

function seal(key: Buffer, nonce: Buffer, plaintext: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const body = cipher.update(plaintext);
  // GCM is a stream mode: final() only computes the tag and returns no bytes.
  cipher.final();
  return Buffer.concat([body, cipher.getAuthTag()], body.length + TAG_BYTES);
}

// The two failures get their own problem codes: a DEK that does not unwrap usually means the operator
// configured the wrong key material under the right id; a value that does not open means damaged data.
function open(
  key: Buffer,
  nonce: Buffer,
  sealed: Buffer,
  problem: 'dek-auth-failed' | 'auth-failed',
  keyId: string,
): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    const plaintext = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
    // Checks the tag; GCM's final() returns no bytes, so there is nothing to append.
    decipher.final();
    return plaintext;
  } catch {
    throw new PayloadError(problem, problem === 'auth-failed' ? VALUE_AUTH_FAILED : DEK_AUTH_FAILED, keyId);
  }
}

function kekFor(ring: KeyRing, keyId: string): Kek {
  const kek = ring.get(keyId);
  if (!kek) {
    throw new PayloadError(
      'unknown-key-id',
      `encrypted under ${keyId}, which is not configured (available: ${ring.ids().join(', ')})`,
      keyId,
    );
  }
  return kek;
}

function unwrapDek(kek: Kek, parsed: ParsedPayload): Buffer {
  const dek = open(kek.bytes, parsed.dekNonce, parsed.wrappedDek, 'dek-auth-failed', parsed.keyId);
  if (dek.length !== DEK_BYTES) {
    throw new PayloadError('bad-dek-length', `data key is ${dek.length} bytes, expected ${DEK_BYTES}`, parsed.keyId);
  }
  return dek;
}

function openValue(dek: Buffer, parsed: ParsedPayload): Buffer {
  return open(dek, parsed.nonce, parsed.ciphertext, 'auth-failed', parsed.keyId);
}

/** Decrypts a stored value with whichever key of the ring its key_id names. */
export function decryptValue(ring: KeyRing, stored: Uint8Array | string): Buffer {
  const parsed = parsePayload(stored);
  const dek = unwrapDek(kekFor(ring, parsed.keyId), parsed);
  return openValue(dek, parsed);
}

/** Encrypts as the application does: fresh random DEK and nonces. */
export function encryptValue(kek: Kek, plaintext: Uint8Array | string): Buffer {
  const dek = randomSlice(DEK_BYTES);
  const dekNonce = randomSlice(NONCE_BYTES);
  const nonce = randomSlice(NONCE_BYTES);
  return serializePayload({
    keyId: kek.id,
    dekNonce,
    wrappedDek: seal(kek.bytes, dekNonce, dek),
    nonce,
    ciphertext: seal(dek, nonce, Buffer.from(plaintext)),
  });
}

export type RotationMode = 'reencrypt' | 'rewrap';

export interface Rotated {
  readonly fromKeyId: string;
  readonly payload: Buffer;
}

/**
 * Moves one stored value onto `target`. `reencrypt` decrypts and encrypts with a fresh DEK;
 * `rewrap` keeps the DEK, nonce and ciphertext and only re-wraps the DEK. Either way the new
 * payload is decrypted back with `target` and compared before it is returned.
 */
export function rotateValue(ring: KeyRing, stored: Uint8Array | string, target: Kek, mode: RotationMode): Rotated {
  const parsed = parsePayload(stored);
  const dek = unwrapDek(kekFor(ring, parsed.keyId), parsed);
  const plaintext = openValue(dek, parsed);
  if (mode === 'reencrypt') {
    const payload = encryptValue(target, plaintext);
    const back = parseBack(payload, target);
    if (!openValue(unwrapDek(target, back), back).equals(plaintext)) throw decryptBackFailed(target);
    return { fromKeyId: parsed.keyId, payload };
  }
  const dekNonce = randomSlice(NONCE_BYTES);
  const payload = serializePayload({
    ...parsed,
    keyId: target.id,
    dekNonce,
    wrappedDek: seal(target.bytes, dekNonce, dek),
  });
  // Decrypt-back for a rewrap: the written value must give back the same DEK under `target`, and
  // its nonce and ciphertext must be the very bytes that just opened under that DEK. AES-GCM
  // decryption is a function of (key, nonce, ciphertext), so opening them again could only repeat
  // the result we already have; the one new thing to check is the DEK, and it is checked.
  const back = parseBack(payload, target);
  if (
    !unwrapDek(target, back).equals(dek) ||
    !back.nonce.equals(parsed.nonce) ||
    !back.ciphertext.equals(parsed.ciphertext)
  ) {
    throw decryptBackFailed(target);
  }
  return { fromKeyId: parsed.keyId, payload };
}

/** The new payload as a reader will see it: parsed strictly, and on the key it claims. */
function parseBack(payload: Buffer, target: Kek): ParsedPayload {
  const back = parsePayload(payload);
  if (back.keyId !== target.id) throw decryptBackFailed(target);
  return back;
}

function decryptBackFailed(target: Kek): PayloadError {
  return new PayloadError(
    'auth-failed',
    'decrypt-back check failed: the new value does not decrypt to the old plaintext',
    target.id,
  );
}
