// Where did the last rotation stop? From the journal alone: the last rotation that got past
// preflight, its last step, and the key ids it was moving between. The machine combines this with
// what the database shows (the database wins). Lines the reader skipped (not entries kek-rotate
// wrote) are never used; their line numbers travel with the resume point so the operator is told.
import type { ResumePoint } from '../machine/contract.js';
import type { CredentialRef, JournalEntry } from './entry.js';
import { uniqueCredentials } from '../emergency/checklist-groups.js';
import type { JournalRead } from './journal-reader.js';
import { keyFileOfNote } from './key-file-note.js';
import { passTotals } from './live-pass-note.js';

/** Lines that say nothing about progress: every session starts with preflight and may end with quit. */
function marksProgress(entry: JournalEntry): boolean {
  return entry.phase !== 'preflight' && entry.step !== 'quit';
}

function isEntryList(
  journal: readonly JournalEntry[] | Pick<JournalRead, 'entries' | 'problems'>,
): journal is readonly JournalEntry[] {
  return Array.isArray(journal);
}

export function resumePoint(
  journal: readonly JournalEntry[] | Pick<JournalRead, 'entries' | 'problems'>,
): ResumePoint | undefined {
  const read = isEntryList(journal) ? { entries: journal, problems: [] } : journal;
  const entries = read.entries;
  const skippedLines = read.problems.map((p) => p.line);
  const last = [...entries].reverse().find(marksProgress);
  if (!last) return undefined;
  const rotation = entries.filter((e) => e.rotationId === last.rotationId);
  let newKeyId: string | undefined;
  let oldKeyId: string | undefined;
  let path: ResumePoint['path'] = 'rotate';
  let credentials: CredentialRef[] | undefined;
  let keyFile: string | undefined;
  for (const entry of rotation) {
    if (entry.outcome === 'ok') keyFile = keyFileOfNote(entry.message) ?? keyFile;
    newKeyId = entry.keys?.new ?? newKeyId;
    oldKeyId = entry.keys?.old ?? oldKeyId;
    if (entry.path) path = entry.path;
    // Every line of the rotation that lists credentials adds to the list: the listing (one line per
    // 10,000), the rows moved off the leaked key that it missed, ticks.
    if (entry.credentials) credentials = [...(credentials ?? []), ...entry.credentials];
  }
  const passes = passTotals(rotation);
  return {
    rotationId: last.rotationId,
    path,
    phase: last.phase,
    step: last.step,
    outcome: last.outcome,
    time: last.time,
    newKeyId,
    oldKeyId,
    finished: last.phase === 'done' && last.outcome !== 'failed',
    ...(credentials ? { credentials: uniqueCredentials(credentials) } : {}),
    ...(passes.passes > 0 ? { movedEarlier: passes.rotated } : {}),
    ...(keyFile ? { keyFile } : {}),
    ...(skippedLines.length > 0 ? { skippedLines } : {}),
  };
}
