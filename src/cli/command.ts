// What a command is: its flags (as data), its help text, and what it does. The commands table
// (commands.ts) is the one dispatch point; help and README usage are generated from these fields.
import type { FlagSpec, ParsedArgs } from './flags.js';
import { formatFlagHelp } from './flags.js';
import type { CliIo } from './output.js';

export interface CommandContext {
  readonly io: CliIo;
  /** Aborted on Ctrl-C / SIGTERM; every long-running step takes it. */
  readonly signal: AbortSignal;
  readonly debug: boolean;
}

export interface Command {
  readonly name: string;
  /** One line, for the global help. */
  readonly summary: string;
  readonly usage: string;
  /** A short paragraph under the usage line. */
  readonly description: string;
  readonly flags: readonly FlagSpec[];
  readonly examples?: readonly string[];
  /** Extra positional arguments allowed (only `help <command>`). */
  readonly positionals?: boolean;
  run(args: ParsedArgs, ctx: CommandContext): Promise<void>;
}

export function commandHelp(command: Command): string {
  const parts = [`Usage: ${command.usage}`, '', command.description, '', 'Options:', formatFlagHelp(command.flags)];
  if (command.examples?.length) parts.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  return parts.join('\n');
}
