// Checks `rehearse --data DIR` before the (slow) embedded database starts: a rehearsal seeds its own
// fixtures, so DIR must be new or empty; it is kept after the run for inspection, never reused.
import { readdirSync, statSync } from 'node:fs';
import { UserError } from '../errors.js';

/** Throws a UserError unless `dir` does not exist yet or is an empty directory. */
export function assertFreshDataDir(dir: string, given: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new UserError(
      `--data ${given}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      'Give --data a new or empty directory you can write to.',
    );
  }
  if (!isDirectory) throw new UserError(`--data ${given}: not a directory`, 'Give --data a new or empty directory.');
  if (readdirSync(dir).length === 0) return;
  // Quoted for the shell only when it needs it, so the suggested command can be pasted as is.
  const shown = /^[\w./-]+$/.test(given) ? given : `'${given.replace(/'/g, `'\\''`)}'`;
  throw new UserError(
    `--data ${given}: the directory is not empty; a rehearsal seeds its own database and needs a new or empty directory ` +
      '(the one a previous rehearsal left there is kept for inspection, not reused)',
    `Give --data another path, or delete this directory first: rm -r ${shown}`,
  );
}
