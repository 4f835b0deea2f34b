// The journal's allow-list: only known fields of known types get written, and any text that looks
// like key material (a 32-byte base64 key, with or without its id) is replaced. Defence in depth:
// the machine only hands ids and counts, but a message built from an error could carry anything.
import { JOURNAL_VERSION, type JournalCredential, type JournalEntry, type JournalEntryInput, type JournalKeyIds, type JournalOutcome } from './entry.js';

const OUTCOMES: readonly JournalOutcome[] = ['started', 'ok', 'confirmed', 'failed', 'cancelled', 'refused', 'info'];
const PATHS = ['rotate', 'emergency', 'rollback'] as const;
/** 32 bytes in standard base64 is 44 characters ending in one '='; also catch long unbroken base64 runs. */
const KEY_MATERIAL = /[A-Za-z0-9+/]{43}=|[A-Za-z0-9+/]{40,}/;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_TEXT = 500;
/** Credentials one line may list (about 100 bytes each); `counts.credentials` keeps the total. */
export const MAX_JOURNALED_CREDENTIALS = 10_000;

export const REDACTED = '[redacted: looked like key material]';

export function looksLikeKeyMaterial(text: string): boolean {
  return KEY_MATERIAL.test(text);
}

function cleanText(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  // Control characters would let a crafted message forge journal lines or terminal output.
  const flat = text.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, MAX_TEXT);
  return looksLikeKeyMaterial(flat) ? REDACTED : flat;
}

function cleanKeyId(id: unknown): string | undefined {
  return typeof id === 'string' && KEY_ID.test(id) ? id : undefined;
}

function cleanKeys(keys: JournalKeyIds | undefined): JournalKeyIds | undefined {
  if (!keys) return undefined;
  const out: JournalKeyIds = {};
  for (const name of ['primary', 'previous', 'new', 'old'] as const) {
    const id = cleanKeyId(keys[name]);
    if (id) out[name] = id;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function cleanCounts(counts: Record<string, number> | undefined): Record<string, number> | undefined {
  if (!counts) return undefined;
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(counts)) {
    if (KEY_ID.test(name) && typeof value === 'number' && Number.isFinite(value)) out[name] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function cleanCredentials(list: unknown): JournalCredential[] | undefined {
  if (!Array.isArray(list)) return undefined;
  const out: JournalCredential[] = [];
  for (const item of list.slice(0, MAX_JOURNALED_CREDENTIALS) as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const c = item as Record<string, unknown>;
    const table = cleanText(c['table']);
    const id = cleanText(c['id']);
    if (table && id) out.push({ table, id, name: cleanText(c['name']) ?? '', providerType: cleanText(c['providerType']) ?? '' });
  }
  return out.length > 0 ? out : undefined;
}

/** The entry exactly as it will be written: allowed fields only, text checked. */
export function sanitizeEntry(input: JournalEntryInput, time: string, operator: string): JournalEntry {
  const entry: JournalEntry = {
    v: JOURNAL_VERSION,
    time,
    operator: cleanText(operator) ?? 'unknown',
    rotationId: cleanText(input.rotationId) ?? 'unknown',
    phase: cleanText(input.phase) ?? 'unknown',
    step: cleanText(input.step) ?? 'unknown',
    outcome: OUTCOMES.includes(input.outcome) ? input.outcome : 'info',
  };
  if (input.path && (PATHS as readonly string[]).includes(input.path)) entry.path = input.path;
  const keys = cleanKeys(input.keys);
  if (keys) entry.keys = keys;
  const counts = cleanCounts(input.counts);
  if (counts) entry.counts = counts;
  const message = cleanText(input.message);
  if (message) entry.message = message;
  const credentials = cleanCredentials(input.credentials);
  if (credentials) entry.credentials = credentials;
  return entry;
}
