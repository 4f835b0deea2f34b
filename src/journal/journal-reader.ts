// Reads a journal tolerantly but trusts nothing: every line is checked against the journal's schema
// (entry.ts). A torn last line (a crash mid-write), a line that is not JSON, and a line that does
// not match are reported with their line numbers and skipped, never fatal; the good lines are
// returned in order.
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { UserError } from '../errors.js';
import { JOURNAL_VERSION, JournalEntrySchema, type JournalEntry } from './entry.js';

export interface JournalProblem {
  readonly line: number;
  readonly reason: string;
}

export interface JournalRead {
  entries: JournalEntry[];
  /** Every line skipped, in order, with why. */
  problems: JournalProblem[];
  /** The last line had no newline and did not parse: the process died while writing it. */
  tornLastLine: boolean;
}

/** A field's name as it may be shown: the schema's own names; a hostile key of `counts` is not echoed. */
function fieldName(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'the line';
  return path
    .map((part) =>
      typeof part === 'number'
        ? `[${part}]`
        : typeof part === 'string' && /^[A-Za-z][A-Za-z0-9]{0,30}$/.test(part)
          ? part
          : '(a name not shown)',
    )
    .join('.')
    .replace(/\.\[/g, '[');
}

/** What is wrong, in our words: zod's messages are not shown, so nothing from the line is echoed. */
function issueText(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `${fieldName(issue.path)} is missing or not a${/^[aeiou]/.test(issue.expected) ? 'n' : ''} ${issue.expected}`;
    case 'too_big':
      return `${fieldName(issue.path)} is too long`;
    case 'too_small':
      return `${fieldName(issue.path)} is empty`;
    case 'invalid_format':
      return `${fieldName(issue.path)} is not in the expected format`;
    case 'invalid_value':
      return `${fieldName(issue.path)} is not one of the allowed values`;
    case 'invalid_key':
      return `${fieldName(issue.path)} has a name that is not allowed`;
    default:
      return `${fieldName(issue.path)} is not valid`;
  }
}

function whyNotAnEntry(value: unknown, error: z.ZodError): string {
  const v =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)['v']
      : undefined;
  if (v !== JOURNAL_VERSION) {
    return `not a kek-rotate journal entry (version ${JOURNAL_VERSION})${typeof v === 'number' && Number.isInteger(v) ? `: it says version ${v}` : ''}; the line is skipped`;
  }
  const issues = error.issues.map(issueText);
  const shown = [...new Set(issues)].slice(0, 3).join('; ');
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  return `does not match the journal's format: ${shown}${more}; the line is skipped`;
}

/** `lines 3, 5 and 9`, at most `max` numbers shown. */
function lineList(lines: readonly number[], max = 20): string {
  const shown = lines.slice(0, max);
  if (lines.length > max) return `lines ${shown.join(', ')} and ${lines.length - max} more`;
  return shown.length === 1 ? `line ${shown[0]}` : `lines ${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}

/** How many lines were skipped and which: the same words in the report, on stderr and in the runbook. */
export function skippedLinesSentence(lines: readonly number[]): string {
  const n = lines.length;
  return `${n} journal line${n === 1 ? ' was' : 's were'} skipped (${lineList(lines)}): not entries kek-rotate wrote, so nothing in ${n === 1 ? 'it' : 'them'} is shown or trusted.`;
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
        result.problems.push({
          line: index + 1,
          reason: 'the last line is incomplete (the process stopped while writing it); the line is skipped',
        });
      } else {
        result.problems.push({ line: index + 1, reason: 'not valid JSON; the line is skipped' });
      }
      return;
    }
    const parsed = JournalEntrySchema.safeParse(value);
    if (parsed.success) result.entries.push(parsed.data);
    else result.problems.push({ line: index + 1, reason: whyNotAnEntry(value, parsed.error) });
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
    throw new UserError(
      `cannot read the journal ${path}: ${code ?? String(error)}`,
      'Check the path given with --journal and its permissions.',
    );
  }
  return parseJournal(text);
}
