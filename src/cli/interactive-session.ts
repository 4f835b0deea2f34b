// What the interactive runbook and the rehearsal share around the Ink app: the journal writer whose
// failures are reported once the screen is gone, and the mapping of how the session ended to an error.
import { colorWanted } from '../text/color.js';
import { CancelledError } from '../errors.js';
import { journalEffect, openJournalWriter } from '../journal/index.js';
import type { JournalEntryInput } from '../journal/entry.js';
import type { UserError } from '../errors.js';
import type { InteractiveEnd } from '../ui/run-interactive.js';
import type { CliIo } from './output.js';
import type { TtyStreams } from './require-tty.js';

export interface SessionJournal {
  readonly path: string;
  append(entry: JournalEntryInput): void;
  /** The first write failure, if any (the runbook carried on without its journal). */
  readonly problem: () => UserError | undefined;
}

export function sessionJournal(path: string): SessionJournal {
  let problem: UserError | undefined;
  const append = journalEffect(openJournalWriter(path), (error) => {
    problem = error;
  });
  return { path, append, problem: () => problem };
}

/** Colour in the Ink app (a terminal, checked before): the one decision of src/text/color.ts. */
export function inkColor(io: CliIo): boolean {
  return colorWanted(io.env, true);
}

/** The terminal streams for Ink: the real process streams (requireTty checked they are terminals). */
export function terminalStreams(io: CliIo): {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
} {
  return {
    stdin: io.stdin ?? process.stdin,
    stdout: io.stdout as NodeJS.WriteStream,
    stderr: io.stderr as NodeJS.WriteStream,
  };
}

export function ttyOf(io: CliIo): TtyStreams {
  return { stdinIsTTY: io.stdin?.isTTY === true, stdoutIsTTY: io.stdout.isTTY === true };
}

/** After the screen is gone: where the journal is, and whether it could be written. */
export function reportJournal(io: CliIo, journal: SessionJournal): void {
  const problem = journal.problem();
  if (problem) io.stderr.write(`warning: ${problem.message}; this session's steps are missing from it.\n`);
  io.stderr.write(`Journal: ${journal.path} (render it with: kek-rotate report --journal ${journal.path})\n`);
}

/** How runInteractive ended, as the CLI's outcome: finished returns, cancelled is a cancel, failed a bug. */
export function endOfSession(end: InteractiveEnd, what: string): void {
  if (end === 'finished') return;
  if (end === 'cancelled') {
    throw new CancelledError(
      `${what} was left before it finished; every row is on its old key or the new one and decrypts`,
    );
  }
  throw new Error(`${what} ended with an internal error`);
}
