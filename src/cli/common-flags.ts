// Flags several commands share, declared once so their wording is the same everywhere.
import { flag, type FlagValues } from './flags.js';

export const HELP = flag({ name: 'help', short: 'h', type: 'boolean', description: 'Show this help' });
export const JSON_OUTPUT = flag({
  name: 'json',
  type: 'boolean',
  description: 'Machine-readable output on stdout (JSON)',
});
export const TABLE = flag({
  name: 'table',
  short: 't',
  type: 'string',
  valueName: 'NAME',
  description: 'Only this registered table',
});
export const DATABASE_URL = flag({
  name: 'database-url',
  type: 'string',
  valueName: 'URL',
  description: 'PostgreSQL URL (default: $DATABASE_URL)',
});
export const PGLITE = flag({
  name: 'pglite',
  type: 'string',
  valueName: 'DIR',
  description: 'Use an embedded PGlite database in DIR (rehearsals)',
});
export const ENV_FILE = flag({
  name: 'env-file',
  type: 'string',
  valueName: 'PATH',
  description: 'Read variables from PATH instead of ./.env',
});
export const KEYS_FILE = flag({
  name: 'keys-file',
  type: 'string',
  valueName: 'PATH',
  description: 'Archived decrypt-only keys, one per line',
});
export const CONFIG = flag({
  name: 'config',
  type: 'string',
  valueName: 'PATH',
  description: 'Column registry JSON (default: llm_providers.api_key_encrypted)',
});
export const JOURNAL = flag({
  name: 'journal',
  type: 'string',
  valueName: 'FILE',
  description: 'Journal file (default: $XDG_STATE_HOME/kek-rotate/journal.jsonl)',
});

/** The flags every command that opens the database and reads keys accepts. */
export const CONNECTION_FLAGS = [DATABASE_URL, PGLITE, ENV_FILE, KEYS_FILE, CONFIG] as const;

/** What the setup helpers read (src/cli/setup.ts); a command passes its own flags, which hold these. */
export type ConnectionFlagValues = FlagValues<[...typeof CONNECTION_FLAGS, typeof TABLE]>;
