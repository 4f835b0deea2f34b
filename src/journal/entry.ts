// One line of the rotation journal: what happened, when, by whom, on which key ids, with which
// counts. Only these fields are ever written (see sanitize.ts): never key material or plaintext.

export const JOURNAL_VERSION = 1;

export type JournalOutcome = 'started' | 'ok' | 'confirmed' | 'failed' | 'cancelled' | 'refused' | 'info';

/** Key ids only. `new` is the key being introduced, `old` the key being retired. */
export interface JournalKeyIds {
  primary?: string | undefined;
  previous?: string | undefined;
  new?: string | undefined;
  old?: string | undefined;
}

/**
 * A credential the retired key protected (emergency path): where it is stored and what the
 * application calls it, never its value. Journaled once, before any row moves: afterwards the
 * database can no longer tell which rows that key protected, and a resumed emergency needs the list.
 */
export interface JournalCredential {
  table: string;
  id: string;
  name: string;
  providerType: string;
}

/** What the machine hands to the journal; time and operator are added by the writer. */
export interface JournalEntryInput {
  /** Groups the lines of one rotation (several sessions may share it after a resume). */
  rotationId: string;
  /** Path through the runbook: the standard rotation, the emergency path, or the rollback. */
  path?: 'rotate' | 'emergency' | 'rollback' | undefined;
  /** Runbook phase id (see runbook/phases.ts), e.g. 'reencrypt'. */
  phase: string;
  /** Runbook step id, e.g. 'reencrypt.live'. */
  step: string;
  outcome: JournalOutcome;
  keys?: JournalKeyIds | undefined;
  /** Row counts only: e.g. { rotated: 42, failed: 0 } or per key id { 'kek-v1': 3 }. */
  counts?: Record<string, number> | undefined;
  /** One sentence for people. Must not contain key material (the sanitizer drops lines that do). */
  message?: string | undefined;
  /** Emergency path only: the credentials to rotate at their providers (see JournalCredential). */
  credentials?: JournalCredential[] | undefined;
}

/** A journal line as stored. */
export interface JournalEntry extends JournalEntryInput {
  v: typeof JOURNAL_VERSION;
  /** ISO 8601. */
  time: string;
  /** user@host */
  operator: string;
}
