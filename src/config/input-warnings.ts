// Warnings about what the tool reads from outside: files other users can open, and key variables
// with whitespace after them. Each names the file or the variable and the fix; none shows a value.
import { statSync } from 'node:fs';
import { PREVIOUS_VAR, PRIMARY_VAR } from '../crypto/key-ring.js';
import { trailingWhitespace } from '../crypto/key.js';
import { shellQuote } from '../deploy/quote.js';

/** A path as it can be pasted into a shell: bare when it is plain, single-quoted otherwise. */
function shellPath(file: string): string {
  return /^[A-Za-z0-9._/+:@%=-]+$/.test(file) ? file : shellQuote(file);
}

/**
 * A file holding keys or passwords that its group or other users can open (any of mode & 0o077):
 * the sentence names the file, its mode and the fix, never its contents. Undefined when only its
 * owner can, or when it cannot be inspected (then reading it reports the problem).
 */
export function openToOthersWarning(file: string, what: string, holds: string): string | undefined {
  if (process.platform === 'win32') return undefined; // no POSIX modes there
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch {
    return undefined;
  }
  const open = mode & 0o077;
  if (open === 0) return undefined;
  const who = [open & 0o070 ? 'its group' : '', open & 0o007 ? 'other users' : '']
    .filter((w) => w !== '')
    .join(' and ');
  const octal = (mode & 0o777).toString(8).padStart(4, '0');
  return `${what} ${file} can be opened by ${who} (mode ${octal}) and ${holds}: run \`chmod 600 ${shellPath(file)}\``;
}

/** --keys-file, seed --key-file: a file of keys. */
export function keyFileWarning(file: string, what = 'key file'): string | undefined {
  return openToOthersWarning(file, what, 'it holds keys');
}

/**
 * The key variables with whitespace after them: parseKey removes it (see there why that is safe),
 * and the operator is told, because the application reads the variable as it is and would refuse
 * the value (its base64 decoder rejects whitespace).
 */
export function keyVariableWarnings(env: Record<string, string | undefined>): string[] {
  const out: string[] = [];
  for (const name of [PRIMARY_VAR, PREVIOUS_VAR]) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const trailing = trailingWhitespace(raw);
    if (trailing === undefined) continue;
    out.push(
      `${name} had ${trailing}; it was removed. The application reads the variable as it is and would refuse this value: give it the key without it.`,
    );
  }
  return out;
}
