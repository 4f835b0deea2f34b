// Where the journal lives by default: the user's state directory, as the XDG base directory spec says.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultJournalPath(
  env: Record<string, string | undefined> = process.env,
  home: string = homedir(),
): string {
  const state =
    env['XDG_STATE_HOME'] && env['XDG_STATE_HOME'].startsWith('/')
      ? env['XDG_STATE_HOME']
      : join(home, '.local', 'state');
  return join(state, 'kek-rotate', 'journal.jsonl');
}
