// The journal: append-only JSON lines of every step, validated on reading, turned into a resume point and a report.
export type { CredentialRef, JournalEntry, JournalEntryInput, JournalKeyIds, JournalOutcome } from './entry.js';
export { JournalEntrySchema } from './entry.js';
export { defaultJournalPath } from './journal-path.js';
export { openJournalWriter, journalEffect, currentOperator, type JournalWriter } from './journal-writer.js';
export {
  readJournal,
  parseJournal,
  skippedLinesSentence,
  type JournalRead,
  type JournalProblem,
} from './journal-reader.js';
export { resumePoint } from './resume.js';
export { renderReport, journalText } from './report.js';
export { sanitizeEntry, looksLikeKeyMaterial, redactKeyMaterial, REDACTED } from './sanitize.js';
