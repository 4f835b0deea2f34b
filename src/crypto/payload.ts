// The application's stored payload: compact JSON with its field order, AES-256-GCM throughout,
// a fresh DEK per value wrapped by a KEK. Parsing is strict and each failure has its own reason.

export const PAYLOAD_VERSION = 1;
export const PAYLOAD_ALG = 'AES-256-GCM';
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
export const DEK_BYTES = 32;

export type PayloadProblem =
  | 'empty'
  | 'not-json'
  | 'not-object'
  | 'unsupported-version'
  | 'unsupported-algorithm'
  | 'missing-field'
  | 'bad-base64'
  | 'bad-nonce-length'
  | 'bad-wrapped-dek'
  | 'bad-ciphertext'
  | 'unknown-key-id'
  /** The DEK did not unwrap: the key configured under this id is not the one used, or dek_wrapped was altered. */
  | 'dek-auth-failed'
  /** The DEK unwrapped but the value did not authenticate: the nonce or ciphertext was altered. */
  | 'auth-failed'
  | 'bad-dek-length';

/** Why one stored value cannot be read. The message never contains key material or plaintext. */
export class PayloadError extends Error {
  override readonly name = 'PayloadError';
  constructor(
    readonly problem: PayloadProblem,
    message: string,
    readonly keyId?: string,
  ) {
    super(message);
  }
}

/** A payload whose structure is valid; the crypto has not been checked yet. */
export interface ParsedPayload {
  readonly keyId: string;
  readonly dekNonce: Buffer;
  readonly wrappedDek: Buffer; // ciphertext || tag of the DEK
  readonly nonce: Buffer;
  readonly ciphertext: Buffer; // ciphertext || tag of the value
}

const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const FIELDS = ['key_id', 'dek_wrapped', 'nonce', 'ciphertext'] as const;

function decodeField(name: string, value: string, alphabetChecked: boolean): Buffer {
  if (!(alphabetChecked ? hasPaddedShape(value) : STANDARD_BASE64.test(value))) {
    throw new PayloadError('bad-base64', `field ${name} is not standard base64`);
  }
  return Buffer.from(value, 'base64');
}

/**
 * For text already known to use only `A-Za-z0-9+/=` (the canonical pattern admits nothing else):
 * the rest of STANDARD_BASE64 — whole quads, and `=` only as one or two final padding characters.
 */
function hasPaddedShape(value: string): boolean {
  if (value.length % 4 !== 0) return false;
  const pad = value.indexOf('=');
  if (pad === -1) return true;
  return pad >= value.length - 2 && (pad === value.length - 1 || value.charCodeAt(value.length - 1) === 61);
}

// One decoder for every call: constructing a TextDecoder costs more than decoding a payload.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function asText(bytes: Uint8Array | string): string {
  if (typeof bytes === 'string') return bytes;
  return UTF8.decode(bytes);
}

// The exact form the application (and we) write. A value in this form is valid JSON with exactly
// these fields, so matching it is equivalent to JSON.parse plus the field checks below, at a
// fraction of the cost; anything else (other field order, spaces, escapes, extra fields, non-ASCII)
// takes the general path, so the accepted values and the error reasons do not change.
const CANONICAL =
  /^\{"version":1,"alg":"AES-256-GCM","key_id":"([A-Za-z0-9._-]+)","dek_wrapped":"([A-Za-z0-9+/=]*)","nonce":"([A-Za-z0-9+/=]*)","ciphertext":"([A-Za-z0-9+/=]*)"\}$/;
const CANONICAL_PREFIX = '{"version":1,"alg":"AES-256-GCM","key_id":"';

/** The four string fields of a value in canonical form, or undefined (then use the general path). */
function matchCanonical(stored: Uint8Array | string): RegExpExecArray | null {
  // latin1 maps bytes to chars one to one and never fails; the pattern only admits ASCII, so a
  // match means the bytes were ASCII and therefore valid UTF-8 with the same text.
  const text =
    typeof stored === 'string'
      ? stored
      : Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength).toString('latin1');
  if (!text.startsWith(CANONICAL_PREFIX)) return null;
  return CANONICAL.exec(text);
}

/** Checks the structure of a stored value and decodes its fields. */
export function parsePayload(stored: Uint8Array | string): ParsedPayload {
  if (stored.length === 0) throw new PayloadError('empty', 'value is empty');
  const canonical = matchCanonical(stored);
  if (canonical) return decodeFields(canonical[1]!, canonical[2]!, canonical[3]!, canonical[4]!, true);
  let json: unknown;
  try {
    json = JSON.parse(asText(stored));
  } catch {
    throw new PayloadError('not-json', 'value is not UTF-8 JSON (not a payload of this format)');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new PayloadError('not-object', 'value is JSON but not an object');
  }
  const record = json as Record<string, unknown>;
  if (record.version !== PAYLOAD_VERSION) {
    throw new PayloadError(
      'unsupported-version',
      `unsupported payload version ${JSON.stringify(record.version) ?? 'missing'} (expected 1)`,
    );
  }
  if (record.alg !== PAYLOAD_ALG) {
    throw new PayloadError(
      'unsupported-algorithm',
      `unsupported algorithm ${JSON.stringify(record.alg) ?? 'missing'} (expected ${PAYLOAD_ALG})`,
    );
  }
  for (const field of FIELDS) {
    if (typeof record[field] !== 'string')
      throw new PayloadError('missing-field', `field ${field} is missing or not a string`);
  }
  const keyId = record.key_id as string;
  if (keyId === '') throw new PayloadError('missing-field', 'field key_id is empty');
  return decodeFields(keyId, record.dek_wrapped as string, record.nonce as string, record.ciphertext as string, false);
}

/** The checks after the JSON structure, shared by the canonical and the general path. */
function decodeFields(
  keyId: string,
  dekWrappedText: string,
  nonceText: string,
  ciphertextText: string,
  alphabetChecked: boolean,
): ParsedPayload {
  const dekWrapped = decodeField('dek_wrapped', dekWrappedText, alphabetChecked);
  const nonce = decodeField('nonce', nonceText, alphabetChecked);
  const ciphertext = decodeField('ciphertext', ciphertextText, alphabetChecked);
  if (nonce.length !== NONCE_BYTES) {
    throw new PayloadError('bad-nonce-length', `nonce is ${nonce.length} bytes, expected ${NONCE_BYTES}`, keyId);
  }
  if (dekWrapped.length < NONCE_BYTES + TAG_BYTES) {
    throw new PayloadError(
      'bad-wrapped-dek',
      `dek_wrapped is ${dekWrapped.length} bytes, too short for a nonce and a tag`,
      keyId,
    );
  }
  if (ciphertext.length < TAG_BYTES) {
    throw new PayloadError('bad-ciphertext', `ciphertext is ${ciphertext.length} bytes, shorter than a GCM tag`, keyId);
  }
  return {
    keyId,
    dekNonce: dekWrapped.subarray(0, NONCE_BYTES),
    wrappedDek: dekWrapped.subarray(NONCE_BYTES),
    nonce,
    ciphertext,
  };
}

/** Serializes exactly as the application does: compact JSON, its field order, padded base64. */
export function serializePayload(parts: {
  keyId: string;
  dekNonce: Buffer;
  wrappedDek: Buffer;
  nonce: Buffer;
  ciphertext: Buffer;
}): Buffer {
  // The same text JSON.stringify gives for these fields in this order (base64 needs no escaping;
  // the key id goes through JSON.stringify), without building an object per value.
  const json =
    `{"version":${PAYLOAD_VERSION},"alg":"${PAYLOAD_ALG}","key_id":${JSON.stringify(parts.keyId)},` +
    `"dek_wrapped":"${Buffer.concat([parts.dekNonce, parts.wrappedDek]).toString('base64')}",` +
    `"nonce":"${parts.nonce.toString('base64')}","ciphertext":"${parts.ciphertext.toString('base64')}"}`;
  return Buffer.from(json, 'utf8');
}

/** The key id of a stored value without checking anything else; undefined if it is not a JSON object with one. */
export function peekKeyId(stored: Uint8Array | string): string | undefined {
  const canonical = matchCanonical(stored);
  if (canonical) return canonical[1]!;
  try {
    const json = JSON.parse(asText(stored)) as unknown;
    if (typeof json === 'object' && json !== null && typeof (json as { key_id?: unknown }).key_id === 'string') {
      return (json as { key_id: string }).key_id;
    }
  } catch {
    // not a payload: the caller reports it through parsePayload when it matters
  }
  return undefined;
}
