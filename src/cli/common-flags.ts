// Flags several commands share, declared once so their wording is the same everywhere.
import type { FlagSpec } from './flags.js';

export const HELP: FlagSpec = { name: 'help', short: 'h', type: 'boolean', description: 'Show this help' };
export const JSON_OUTPUT: FlagSpec = {
  name: 'json',
  type: 'boolean',
  description: 'Machine-readable output on stdout (JSON)',
};
export const TABLE: FlagSpec = {
  name: 'table',
  short: 't',
  type: 'string',
  valueName: 'NAME',
  description: 'Only this registered table',
};
export const DATABASE_URL: FlagSpec = {
  name: 'database-url',
  type: 'string',
  valueName: 'URL',
  description: 'PostgreSQL URL (default: $DATABASE_URL)',
};
export const PGLITE: FlagSpec = {
  name: 'pglite',
  type: 'string',
  valueName: 'DIR',
  description: 'Use an embedded PGlite database in DIR (rehearsals)',
};
export const ENV_FILE: FlagSpec = {
  name: 'env-file',
  type: 'string',
  valueName: 'PATH',
  description: 'Read variables from PATH instead of ./.env',
};
export const KEYS_FILE: FlagSpec = {
  name: 'keys-file',
  type: 'string',
  valueName: 'PATH',
  description: 'Archived decrypt-only keys, one per line',
};
export const CONFIG: FlagSpec = {
  name: 'config',
  type: 'string',
  valueName: 'PATH',
  description: 'Column registry JSON (default: llm_providers.api_key_encrypted)',
};
export const DEBUG: FlagSpec = { name: 'debug', type: 'boolean', description: 'Show stack traces for internal errors' };

/** The flags every command that opens the database and reads keys accepts. */
export const CONNECTION_FLAGS: readonly FlagSpec[] = [DATABASE_URL, PGLITE, ENV_FILE, KEYS_FILE, CONFIG];
