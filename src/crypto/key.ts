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
export type KeyProblem = 'empty' | 'no-key-id' | 'empty-key-id' | 'bad-base64' | 'wrong-length' | 'bad-key-id';

export class KeyFormatError extends UserError {
  constructor(readonly source: string, readonly problem: KeyProblem, detail: string) {
    super(`${source}: ${detail}`, 'A key looks like kek-v2:<base64 of 32 random bytes>; `kek-rotate generate-key` makes one.');
  }
}

const keyIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'key id may only use letters, digits, ".", "_" and "-" (at most 64)');

/** Parses one key. `source` names where it came from (an env variable, or a file and line). */
export function parseKey(raw: string, source: string): Kek {
  const text = raw.trim();
  if (text === '') throw new KeyFormatError(source, 'empty', 'is empty');
  const colon = text.indexOf(':');
  if (colon < 0) {
    throw new KeyFormatError(source, 'no-key-id', 'has no key id: expected `<key_id>:<base64 key>`, found no ":"');
  }
  const id = text.slice(0, colon);
  const material = text.slice(colon + 1);
  if (id === '') throw new KeyFormatError(source, 'empty-key-id', 'has an empty key id before ":"');
  const idCheck = keyIdSchema.safeParse(id);
  if (!idCheck.success) {
    throw new KeyFormatError(source, 'bad-key-id', `key id is not valid: ${idCheck.error.issues[0]?.message ?? 'invalid'}`);
  }
  if (!STANDARD_BASE64.test(material) || material === '') {
    throw new KeyFormatError(source, 'bad-base64', `key ${id}: the part after ":" is not standard base64 with padding`);
  }
  const bytes = Buffer.from(material, 'base64');
  if (bytes.length !== KEY_BYTES) {
    throw new KeyFormatError(source, 'wrong-length', `key ${id}: decodes to ${bytes.length} bytes, expected ${KEY_BYTES}`);
  }
  return { id, bytes };
}

/** The form the application reads from its environment. Only for writing a key to its destination. */
export function formatKey(key: Kek): string {
  return `${key.id}:${key.bytes.toString('base64')}`;
}
