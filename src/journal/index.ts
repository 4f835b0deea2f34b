// The journal: append-only JSON lines of every step, read tolerantly, turned into a resume point and a report.
export type { JournalEntry, JournalEntryInput, JournalKeyIds, JournalOutcome } from './entry.js';
export { defaultJournalPath } from './journal-path.js';
export { openJournalWriter, journalEffect, currentOperator, type JournalWriter } from './journal-writer.js';
export { readJournal, parseJournal, type JournalRead, type JournalProblem } from './journal-reader.js';
export { resumePoint } from './resume.js';
export { renderReport } from './report.js';
export { sanitizeEntry, looksLikeKeyMaterial, REDACTED } from './sanitize.js';
