// A second, deliberately plain reading of the application's layout, so tests of what we write do not
// only check our encoder against our own decoder.
import { createDecipheriv } from 'node:crypto';

export interface RawPayload {
  version: number;
  alg: string;
  key_id: string;
  dek_wrapped: string;
  nonce: string;
  ciphertext: string;
}

function gcmOpen(key: Buffer, nonce: Buffer, sealed: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
}

/** dek_wrapped = dek_nonce(12) || AES-GCM(KEK, DEK) || tag(16). */
export function unwrapDekPlain(payload: RawPayload, kek: Buffer): Buffer {
  const wrapped = Buffer.from(payload.dek_wrapped, 'base64');
  return gcmOpen(kek, wrapped.subarray(0, 12), wrapped.subarray(12));
}

export function openPlain(payload: RawPayload, kek: Buffer): Buffer {
  const dek = unwrapDekPlain(payload, kek);
  return gcmOpen(dek, Buffer.from(payload.nonce, 'base64'), Buffer.from(payload.ciphertext, 'base64'));
}
