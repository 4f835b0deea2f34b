// Loads the interop vectors written by an independent implementation of the application's format.
// They live beside the repository (<repo>/../shared/vectors), in CI as here; a missing file fails loudly.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const VECTORS_PATH = path.resolve(REPO_ROOT, '..', 'shared', 'vectors', 'everruns-envelope-v1.json');

export interface Vectors {
  keys: Record<string, string>;
  valid: { key_id: string; plaintext: string; payload: string }[];
  invalid: { why: string; payload?: string; payload_hex?: string }[];
  invalid_keys: { why: string; key: string }[];
}

export function loadVectors(): Vectors {
  let text: string;
  try {
    text = readFileSync(VECTORS_PATH, 'utf8');
  } catch (error) {
    throw new Error(`interop vectors not found at ${VECTORS_PATH} (expected <repo>/../shared/vectors): ${String(error)}`);
  }
  return JSON.parse(text) as Vectors;
}

/** The stored bytes of an invalid vector: text payloads as UTF-8, legacy ones from hex. */
export function invalidPayloadBytes(vector: Vectors['invalid'][number]): Buffer {
  if (vector.payload_hex !== undefined) return Buffer.from(vector.payload_hex, 'hex');
  return Buffer.from(vector.payload ?? '', 'utf8');
}
