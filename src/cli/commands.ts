// The commands table: the one place a command name becomes code. Adding a command (or the
// interactive runbook, run when no command is given) is one entry here.
import type { Command } from './command.js';
import { credentialsCommand } from './commands/credentials.js';
import { generateKeyCommand } from './commands/generate-key.js';
import { makeHelpCommand } from './commands/help.js';
import { interactiveCommand } from './commands/interactive.js';
import { reencryptCommand } from './commands/reencrypt.js';
import { rehearseCommand } from './commands/rehearse.js';
import { reportCommand } from './commands/report.js';
import { runbookCommand } from './commands/runbook.js';
import { seedCommand } from './commands/seed.js';
import { statusCommand } from './commands/status-command.js';
import { verifyCommand } from './commands/verify.js';
import { formatGlobalHelp } from './global-help.js';

const table = new Map<string, Command>();

export const COMMANDS: readonly Command[] = [
  rehearseCommand,
  statusCommand,
  reencryptCommand,
  verifyCommand,
  generateKeyCommand,
  credentialsCommand,
  reportCommand,
  runbookCommand,
  seedCommand,
  makeHelpCommand(
    (name) => table.get(name),
    () => formatGlobalHelp(COMMANDS, NO_COMMAND),
  ),
];
for (const command of COMMANDS) table.set(command.name, command);

export function findCommand(name: string): Command | undefined {
  return table.get(name);
}

/** What `kek-rotate` does with no command (or only options): the interactive runbook. */
export const NO_COMMAND: Command | undefined = interactiveCommand;
