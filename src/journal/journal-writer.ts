// Appends journal lines durably: one JSON object a line, written with a single write and fsynced,
// so a crash leaves at most a torn last line. Directory 0700, file 0600: it names key ids and hosts.
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname } from 'node:path';
import { UserError } from '../errors.js';
import type { JournalEntry, JournalEntryInput } from './entry.js';
import { sanitizeEntry } from './sanitize.js';

export interface JournalWriter {
  readonly path: string;
  /** Writes one line and fsyncs it; returns the line as written. Throws UserError when the file cannot be written. */
  append(input: JournalEntryInput): JournalEntry;
}

export interface JournalWriterOptions {
  now?: () => Date;
  operator?: string;
}

export function currentOperator(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): keep "unknown" rather than fail the rotation.
  }
  return `${user}@${hostname()}`;
}

export function openJournalWriter(path: string, options: JournalWriterOptions = {}): JournalWriter {
  const now = options.now ?? (() => new Date());
  const operator = options.operator ?? currentOperator();
  return {
    path,
    append(input) {
      const entry = sanitizeEntry(input, now().toISOString(), operator);
      try {
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        const fd = openSync(path, 'a', 0o600);
        try {
          writeSync(fd, `${JSON.stringify(entry)}\n`);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? String(error);
        throw new UserError(`cannot write the journal ${path}: ${code}`, 'Give a writable file with --journal FILE.');
      }
      return entry;
    },
  };
}

/**
 * The machine's appendJournal effect: never throws (a journal problem must not stop a rotation
 * half-way), reports each failure once through `onError` so the UI can show it.
 */
export function journalEffect(
  writer: JournalWriter,
  onError: (error: UserError) => void,
): (input: JournalEntryInput) => void {
  let reported = false;
  return (input) => {
    try {
      writer.append(input);
    } catch (error) {
      if (!reported) onError(error instanceof UserError ? error : new UserError(String(error)));
      reported = true;
    }
  };
}
