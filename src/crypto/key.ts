// A KEK as the application reads it: `<key_id>:<base64 of exactly 32 bytes>`, split at the first ':'.
// Errors name the variable and the problem, and never echo key material.
import { z } from 'zod';
import { UserError } from '../errors.js';

export interface Kek {
  readonly id: string;
  readonly bytes: Buffer;
}

export const KEY_BYTES = 32;
const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Why a key string was refused, as a stable code (for tests and JSON output) plus a sentence. */
export type KeyProblem =
  'empty' | 'no-key-id' | 'empty-key-id' | 'bad-base64' | 'wrong-length' | 'bad-key-id' | 'leading-whitespace';

export class KeyFormatError extends UserError {
  constructor(
    readonly source: string,
    readonly problem: KeyProblem,
    detail: string,
  ) {
    super(
      `${source}: ${detail}`,
      'A key looks like kek-v2:<base64 of 32 random bytes>; `kek-rotate generate-key` makes one.',
    );
  }
}

export const keyIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'key id may only use letters, digits, ".", "_" and "-" (at most 64)');

const WHITESPACE_NAMES: Record<string, string> = {
  ' ': 'space',
  '\t': 'tab',
  '\r': 'carriage return',
  '\n': 'newline',
  '\v': 'vertical tab',
  '\f': 'form feed',
  '\u00a0': 'no-break space',
  '\ufeff': 'byte-order mark',
};

function whitespaceName(c: string): string {
  return WHITESPACE_NAMES[c] ?? `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * What follows the key, when it is whitespace, in words ("a trailing carriage return", "trailing
 * whitespace (carriage return, newline)"); undefined when there is none. Never any of the key itself.
 */
export function trailingWhitespace(raw: string): string | undefined {
  const tail = /\s+$/.exec(raw)?.[0];
  if (tail === undefined || tail.length === raw.length) return undefined;
  const names = [...tail].map(whitespaceName);
  if (names.length === 1) return `a trailing ${names[0]}`;
  if (names.every((n) => n === names[0])) return `${names.length} trailing ${names[0]}s`;
  return `trailing whitespace (${names.join(', ')})`;
}

/**
 * Parses one key. `source` names where it came from (an env variable, or a file and line).
 *
 * Whitespace: the application (everruns, storage/encryption.rs parse_versioned_key) takes the
 * variable as it is, splits it at the first ':' and decodes the rest as standard base64, trimming
 * nothing. Trailing whitespace (a CR pasted from Windows, the newline of `$(cat key)` or of a
 * mounted secret) can never be part of a key: base64 has no whitespace, so the application would
 * refuse the value, and removing it cannot change which key is meant (same id, same 32 bytes). It
 * is removed here; keyVariableWarnings (src/config/input-warnings.ts) tells the operator. Leading
 * whitespace is different: the application would keep it as part of the key id (" kek-v1" is not
 * "kek-v1") and label new values with it, so it is refused rather than read another way.
 */
export function parseKey(raw: string, source: string): Kek {
  const text = raw.trimEnd();
  if (text.trim() === '') throw new KeyFormatError(source, 'empty', 'is empty');
  const lead = /^\s+/.exec(text)?.[0];
  if (lead !== undefined) {
    throw new KeyFormatError(
      source,
      'leading-whitespace',
      `starts with ${lead.length === 1 ? `a ${whitespaceName(lead)}` : `${lead.length} whitespace characters`}: the application would read it as part of the key id; remove it`,
    );
  }
  const colon = text.indexOf(':');
  if (colon < 0) {
    throw new KeyFormatError(source, 'no-key-id', 'has no key id: expected `<key_id>:<base64 key>`, found no ":"');
  }
  const id = text.slice(0, colon);
  const material = text.slice(colon + 1);
  if (id === '') throw new KeyFormatError(source, 'empty-key-id', 'has an empty key id before ":"');
  const idCheck = keyIdSchema.safeParse(id);
  if (!idCheck.success) {
    throw new KeyFormatError(
      source,
      'bad-key-id',
      `key id is not valid: ${idCheck.error.issues[0]?.message ?? 'invalid'}`,
    );
  }
  if (!STANDARD_BASE64.test(material) || material === '') {
    throw new KeyFormatError(source, 'bad-base64', `key ${id}: the part after ":" is not standard base64 with padding`);
  }
  const bytes = Buffer.from(material, 'base64');
  if (bytes.length !== KEY_BYTES) {
    throw new KeyFormatError(
      source,
      'wrong-length',
      `key ${id}: decodes to ${bytes.length} bytes, expected ${KEY_BYTES}`,
    );
  }
  return { id, bytes };
}

/** The form the application reads from its environment. Only for writing a key to its destination. */
export function formatKey(key: Kek): string {
  return `${key.id}:${key.bytes.toString('base64')}`;
}
