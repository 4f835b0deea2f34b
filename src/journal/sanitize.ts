// The journal's allow-list: only known fields of known types get written, and any text that looks
// like key material (a 32-byte base64 key, with or without its id) is replaced. Defence in depth:
// the machine only hands ids and counts, but a message built from an error could carry anything.
// What comes out is checked against the journal's schema (entry.ts) before it is written.
import { safeText } from '../text/terminal-safe.js';
import {
  JOURNAL_VERSION,
  JournalEntrySchema,
  JournalOutcomeSchema,
  JournalPathSchema,
  KEY_ID,
  MAX_JOURNALED_CREDENTIALS,
  MAX_TEXT,
  type CredentialRef,
  type JournalEntry,
  type JournalEntryInput,
  type JournalKeyIds,
} from './entry.js';

export { MAX_JOURNALED_CREDENTIALS } from './entry.js';

/**
 * 32 bytes in base64 are 43 characters and a `=`; a key is `<id>:` and those 44. Any unbroken run of
 * 40 or more base64 characters counts (a key with its padding cut, or inside a longer run).
 */
const KEY_MATERIAL = /[A-Za-z0-9+/]{40,}/;

export const REDACTED = '[redacted: looked like key material]';

export function looksLikeKeyMaterial(text: string): boolean {
  return KEY_MATERIAL.test(text);
}

/**
 * Every run that looks like key material replaced by REDACTED, for text shown to people (the report
 * of a journal that may have been edited by hand). A run broken only by characters that are not
 * shown (U+FFFD where a control or bidi character stood) counts as one: on a terminal it would read
 * as one.
 */
export function redactKeyMaterial(text: string): string {
  return text.replace(/[A-Za-z0-9+/=\uFFFD]+/g, (run) =>
    looksLikeKeyMaterial(run.replace(/[=\uFFFD]/g, '')) ? REDACTED : run,
  );
}

function cleanText(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  // One line: \n and \t become spaces, every other control, bidi or separator character U+FFFD
  // (src/text/terminal-safe.ts), so a crafted message can forge neither journal lines nor terminal output.
  const flat = safeText(text, { newline: 'space', tab: 'space' }).slice(0, MAX_TEXT);
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

function cleanCredentials(list: unknown): CredentialRef[] | undefined {
  if (!Array.isArray(list)) return undefined;
  const out: CredentialRef[] = [];
  for (const item of list.slice(0, MAX_JOURNALED_CREDENTIALS) as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const c = item as Record<string, unknown>;
    const table = cleanText(c['table']);
    const id = cleanText(c['id']);
    if (table && id)
      out.push({ table, id, name: cleanText(c['name']) ?? '', providerType: cleanText(c['providerType']) ?? '' });
  }
  return out.length > 0 ? out : undefined;
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text === '' ? undefined : text;
}

/** The entry exactly as it will be written: allowed fields only, text checked, the schema satisfied. */
export function sanitizeEntry(input: JournalEntryInput, time: string, operator: string): JournalEntry {
  const outcome = JournalOutcomeSchema.safeParse(input.outcome);
  const path = JournalPathSchema.safeParse(input.path);
  const entry: JournalEntry = {
    v: JOURNAL_VERSION,
    time,
    operator: cleanText(operator) ?? 'unknown',
    rotationId: nonEmpty(cleanText(input.rotationId)) ?? 'unknown',
    phase: nonEmpty(cleanText(input.phase)) ?? 'unknown',
    step: nonEmpty(cleanText(input.step)) ?? 'unknown',
    outcome: outcome.success ? outcome.data : 'info',
  };
  if (path.success) entry.path = path.data;
  const keys = cleanKeys(input.keys);
  if (keys) entry.keys = keys;
  const counts = cleanCounts(input.counts);
  if (counts) entry.counts = counts;
  const message = cleanText(input.message);
  if (message) entry.message = message;
  const credentials = cleanCredentials(input.credentials);
  if (credentials) entry.credentials = credentials;
  // A line the reader would skip must never be written: this is a bug if it throws.
  return JournalEntrySchema.parse(entry);
}
