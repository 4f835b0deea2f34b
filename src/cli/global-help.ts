// The global --help text, generated from the commands table and the no-command entry (the runbook).
import type { Command } from './command.js';
import { formatFlagHelp } from './flags.js';

export function formatGlobalHelp(commands: readonly Command[], interactive?: Command): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const runbook = interactive
    ? [
        'With no command, in a terminal: the interactive runbook (needs a TTY; use the',
        'commands below for scripts and CI). Options:',
        formatFlagHelp(interactive.flags.filter((f) => f.name !== 'help')),
        '',
      ]
    : [];
  return [
    'kek-rotate: rotate the key-encryption key of an envelope-encrypted secret store, safely.',
    '',
    'Usage: kek-rotate <command> [options]',
    ...(interactive ? ['       kek-rotate [options]             (in a terminal: the interactive runbook)'] : []),
    '',
    ...runbook,
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    "  -h, --help     Show help (after a command: that command's help)",
    '      --version  Print the version',
    '      --debug    Show stack traces for internal errors',
    '',
    'Environment: DATABASE_URL, SECRETS_ENCRYPTION_KEY, SECRETS_ENCRYPTION_KEY_PREVIOUS',
    '(read from the environment, then ./.env or --env-file). NO_COLOR disables colour;',
    'FORCE_COLOR colours output that is not a terminal.',
    '',
    'First time? `kek-rotate rehearse` runs a whole rotation on an embedded database.',
    "Run `kek-rotate <command> --help` for a command's options.",
  ].join('\n');
}
