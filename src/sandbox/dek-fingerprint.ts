// A one-way fingerprint of a value's data key, to tell a re-encryption (fresh DEK) from a rewrap
// (same DEK under a new KEK): after a key leak only the first makes old dumps worthless.
import { createDecipheriv, createHash } from 'node:crypto';
import type { Kek } from '../crypto/key.js';
import { parsePayload, TAG_BYTES } from '../crypto/payload.js';

/** sha256 of the unwrapped DEK, hex; undefined when the value does not parse or unwrap with `kek`. */
export function dekFingerprint(stored: Uint8Array, keyFor: (id: string) => Kek | undefined): string | undefined {
  try {
    const parsed = parsePayload(stored);
    const kek = keyFor(parsed.keyId);
    if (!kek) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', kek.bytes, parsed.dekNonce);
    decipher.setAuthTag(parsed.wrappedDek.subarray(parsed.wrappedDek.length - TAG_BYTES));
    const dek = Buffer.concat([
      decipher.update(parsed.wrappedDek.subarray(0, parsed.wrappedDek.length - TAG_BYTES)),
      decipher.final(),
    ]);
    return createHash('sha256').update(dek).digest('hex');
  } catch {
    return undefined;
  }
}
