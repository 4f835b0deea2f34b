// The child's output is shown to people and kept in errors, so anything that looks like a key or a
// password is removed first: a key the tool echoed by mistake must not travel any further.
import { maskPasswordsInText } from '../../db/mask-url.js';

const KEY_LIKE = /([A-Za-z0-9._-]+):[A-Za-z0-9+/]{8,}={0,2}/g;
const LONG_BASE64 = /[A-Za-z0-9+/]{20,}={0,2}/g;

/** One line with key material and passwords replaced by placeholders. */
export function scrubSecrets(line: string): string {
  return maskPasswordsInText(line).replace(KEY_LIKE, '$1:<redacted>').replace(LONG_BASE64, '<redacted>');
}
