// Loads the interop vectors written by an independent implementation of the application's format.
// They are vendored in test/fixtures/vectors (provenance in its README) and checked by sha256, so a
// clone with nothing beside it tests against exactly the file that was reviewed.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const VECTORS_PATH = path.join(REPO_ROOT, 'test', 'fixtures', 'vectors', 'everruns-envelope-v1.json');
/** The sha256 of the vendored file as received; an edit to it fails every test that uses it. */
export const VECTORS_SHA256 = '235900baa212cdd9fa0a6c7700cdeecef02c385fdacbf60f7ae0e071b27b8ba5';

export interface Vectors {
  keys: Record<string, string>;
  valid: { key_id: string; plaintext: string; payload: string }[];
  invalid: { why: string; payload?: string; payload_hex?: string }[];
  invalid_keys: { why: string; key: string }[];
}

export function loadVectors(): Vectors {
  const bytes = readFileSync(VECTORS_PATH);
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== VECTORS_SHA256) {
    throw new Error(
      `interop vectors at ${VECTORS_PATH} have sha256 ${digest}, expected ${VECTORS_SHA256}: restore the file`,
    );
  }
  return JSON.parse(bytes.toString('utf8')) as Vectors;
}

/** The stored bytes of an invalid vector: text payloads as UTF-8, legacy ones from hex. */
export function invalidPayloadBytes(vector: Vectors['invalid'][number]): Buffer {
  if (vector.payload_hex !== undefined) return Buffer.from(vector.payload_hex, 'hex');
  return Buffer.from(vector.payload ?? '', 'utf8');
}
