// The tool reports a failed row as text; this maps the application's error messages (its
// encryption.rs) onto our problem codes, so failures from either engine read the same.
import type { RowFailure } from '../events.js';

const PROBLEMS: [RegExp, RowFailure['problem']][] = [
  [/^Failed to parse encrypted payload/i, 'not-json'],
  [/^Unsupported payload version/i, 'unsupported-version'],
  [/^Unsupported algorithm/i, 'unsupported-algorithm'],
  [/^Unknown key_id/i, 'unknown-key-id'],
  [/^Failed to decode (wrapped DEK|nonce|ciphertext)/i, 'bad-base64'],
  [/^Wrapped DEK too short/i, 'bad-wrapped-dek'],
  [/^Failed to unwrap DEK/i, 'dek-auth-failed'],
  [/^Invalid DEK size/i, 'bad-dek-length'],
  [/^Decryption failed/i, 'auth-failed'],
];

/** Our code for the tool's reason; an unrecognised reason means only that the row was not written. */
export function problemFromReason(reason: string): RowFailure['problem'] {
  return PROBLEMS.find(([pattern]) => pattern.test(reason))?.[1] ?? 'write-failed';
}

/** The key id named in an "Unknown key_id 'kek-v9'" reason, if any. */
export function keyIdFromReason(reason: string): string | undefined {
  return /^Unknown key_id '([^']*)'/.exec(reason)?.[1];
}
