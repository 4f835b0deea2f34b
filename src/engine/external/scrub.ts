// The child's output is shown to people and kept in errors, so anything that looks like a key or a
// password is removed first: a key the tool echoed by mistake must not travel any further.

const KEY_LIKE = /([A-Za-z0-9._-]+):[A-Za-z0-9+/]{8,}={0,2}/g;
const LONG_BASE64 = /[A-Za-z0-9+/]{20,}={0,2}/g;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi;
const PASSWORD_SETTING = /(password\s*=\s*)\S+/gi;

/** One line with key material and passwords replaced by placeholders. */
export function scrubSecrets(line: string): string {
  return line
    .replace(URL_PASSWORD, '$1****@')
    .replace(PASSWORD_SETTING, '$1****')
    .replace(KEY_LIKE, '$1:<redacted>')
    .replace(LONG_BASE64, '<redacted>');
}
