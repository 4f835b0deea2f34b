// The commands table: the one place a command name becomes code. Adding a command (or the
// interactive runbook, run when no command is given) is one entry here.
import type { Command } from './command.js';
import { generateKeyCommand } from './commands/generate-key.js';
import { makeHelpCommand } from './commands/help.js';
import { reencryptCommand } from './commands/reencrypt.js';
import { verifyCommand } from './commands/verify.js';
import { formatGlobalHelp } from './global-help.js';

const table = new Map<string, Command>();

export const COMMANDS: readonly Command[] = [
  reencryptCommand,
  verifyCommand,
  generateKeyCommand,
  makeHelpCommand((name) => table.get(name), () => formatGlobalHelp(COMMANDS)),
];
for (const command of COMMANDS) table.set(command.name, command);

export function findCommand(name: string): Command | undefined {
  return table.get(name);
}

/**
 * What `kek-rotate` does with no command. For now the global help; the interactive runbook
 * (issue 3, `runInteractive` in src/ui/run-interactive.tsx) replaces this one entry.
 */
export const NO_COMMAND: Command | undefined = undefined;
