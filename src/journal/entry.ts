// One line of the rotation journal: what happened, when, by whom, on which key ids, with which
// counts. The schema below is the one definition of a line: the writer's output is checked against
// it (see sanitize.ts: never key material or plaintext), the reader keeps only lines that match it
// (anything else is reported and skipped, never trusted), and the TypeScript types are derived from it.
import { z } from 'zod';

export const JOURNAL_VERSION = 1;
/** The longest text field a line holds (the writer cuts longer text). */
export const MAX_TEXT = 500;
/** Credentials one line may list (about 100 bytes each); `counts.credentials` keeps the total. */
export const MAX_JOURNALED_CREDENTIALS = 10_000;
/** Key ids as the journal stores them; counts are named by key ids or words of the same characters. */
export const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

const text = z.string().max(MAX_TEXT);
const keyId = z.string().regex(KEY_ID);

export const JournalOutcomeSchema = z.enum(['started', 'ok', 'confirmed', 'failed', 'cancelled', 'refused', 'info']);

/** Path through the runbook: the standard rotation, the emergency path, or the rollback. */
export const JournalPathSchema = z.enum(['rotate', 'emergency', 'rollback']);

/** Key ids only. `new` is the key being introduced, `old` the key being retired. */
export const JournalKeyIdsSchema = z.object({
  primary: keyId.optional(),
  previous: keyId.optional(),
  new: keyId.optional(),
  old: keyId.optional(),
});

/**
 * A credential the retired key protected (emergency path): where it is stored (`table.column`) and
 * what the application calls it, never its value. The one credential type: the machine lists them,
 * the journal keeps them (once, before any row moves: afterwards the database can no longer tell
 * which rows that key protected, and a resumed emergency needs the list).
 */
export const CredentialSchema = z.object({
  table: text.min(1),
  id: text.min(1),
  name: text,
  providerType: text,
});

/** What the machine hands to the journal; time and operator are added by the writer. */
export const JournalEntryInputSchema = z.object({
  /** Groups the lines of one rotation (several sessions may share it after a resume). */
  rotationId: text.min(1),
  path: JournalPathSchema.optional(),
  /** Runbook phase id (see runbook/phases.ts), e.g. 'reencrypt'. */
  phase: text.min(1),
  /** Runbook step id, e.g. 'reencrypt.live'. */
  step: text.min(1),
  outcome: JournalOutcomeSchema,
  keys: JournalKeyIdsSchema.optional(),
  /** Row counts only: e.g. { rotated: 42, failed: 0 } or per key id { 'kek-v1': 3 }. */
  counts: z.record(keyId, z.number()).optional(),
  /** One sentence for people. Must not contain key material (the sanitizer redacts lines that do). */
  message: text.optional(),
  /** Emergency path only: the credentials to rotate at their providers. */
  credentials: z.array(CredentialSchema).max(MAX_JOURNALED_CREDENTIALS).optional(),
});

/** A journal line as stored. Unknown fields are dropped on reading. */
export const JournalEntrySchema = JournalEntryInputSchema.extend({
  v: z.literal(JOURNAL_VERSION),
  /** ISO 8601, as Date.toISOString writes it. */
  time: z.iso.datetime({ offset: true }),
  /** user@host */
  operator: text,
});

export type JournalOutcome = z.infer<typeof JournalOutcomeSchema>;
export type JournalKeyIds = z.infer<typeof JournalKeyIdsSchema>;
export type CredentialRef = z.infer<typeof CredentialSchema>;
export type JournalEntryInput = z.infer<typeof JournalEntryInputSchema>;
export type JournalEntry = z.infer<typeof JournalEntrySchema>;
