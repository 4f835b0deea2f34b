// The global --help text, generated from the commands table.
import type { Command } from './command.js';

export function formatGlobalHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'kek-rotate: rotate the key-encryption key of an envelope-encrypted secret store, safely.',
    '',
    'Usage: kek-rotate <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    '  -h, --help     Show help (after a command: that command\'s help)',
    '      --version  Print the version',
    '      --debug    Show stack traces for internal errors',
    '',
    'Environment: DATABASE_URL, SECRETS_ENCRYPTION_KEY, SECRETS_ENCRYPTION_KEY_PREVIOUS',
    '(read from the environment, then ./.env or --env-file). NO_COLOR disables colour.',
    '',
    'Run `kek-rotate <command> --help` for a command\'s options.',
  ].join('\n');
}
