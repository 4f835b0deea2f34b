// Reads a journal tolerantly: a torn last line (a crash mid-write) and malformed lines are reported
// with their line numbers, never fatal; the good lines are returned in order.
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { JOURNAL_VERSION, type JournalEntry } from './entry.js';

export interface JournalProblem {
  readonly line: number;
  readonly reason: string;
}

export interface JournalRead {
  entries: JournalEntry[];
  problems: JournalProblem[];
  /** The last line had no newline and did not parse: the process died while writing it. */
  tornLastLine: boolean;
}

function isEntry(value: unknown): value is JournalEntry {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v['v'] === JOURNAL_VERSION && typeof v['time'] === 'string' && typeof v['step'] === 'string' && typeof v['phase'] === 'string' && typeof v['rotationId'] === 'string';
}

export function parseJournal(text: string): JournalRead {
  const lines = text.split('\n');
  const endsClean = text.endsWith('\n') || text === '';
  const result: JournalRead = { entries: [], problems: [], tornLastLine: false };
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const last = index === lines.length - 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (last && !endsClean) {
        result.tornLastLine = true;
        result.problems.push({ line: index + 1, reason: 'the last line is incomplete (the process stopped while writing it); it is ignored' });
      } else {
        result.problems.push({ line: index + 1, reason: 'not valid JSON; the line is ignored' });
      }
      return;
    }
    if (isEntry(value)) result.entries.push(value);
    else result.problems.push({ line: index + 1, reason: 'not a kek-rotate journal entry (version 1); the line is ignored' });
  });
  return result;
}

/** A missing journal is an empty one (first run); any other read error is the operator's to fix. */
export function readJournal(path: string): JournalRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { entries: [], problems: [], tornLastLine: false };
    throw new UserError(`cannot read the journal ${path}: ${code ?? String(error)}`, 'Check the path given with --journal and its permissions.');
  }
  return parseJournal(text);
}
