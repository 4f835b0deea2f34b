// What a command is: its flags (as data), its help text, and what it does. The commands table
// (commands.ts) is the one dispatch point; help and README usage are generated from these fields.
import type { FlagSpec, ParsedArgs } from './flags.js';
import { formatFlagHelp, parseFlags } from './flags.js';
import type { CliIo } from './output.js';

export interface CommandContext {
  readonly io: CliIo;
  /** Aborted on Ctrl-C / SIGTERM; every long-running step takes it. */
  readonly signal: AbortSignal;
  readonly debug: boolean;
}

interface CommandInfo<Specs extends readonly FlagSpec[]> {
  readonly name: string;
  /** One line, for the global help. */
  readonly summary: string;
  readonly usage: string;
  /** A short paragraph under the usage line. */
  readonly description: string;
  readonly flags: Specs;
  readonly examples?: readonly string[];
  /** Extra positional arguments allowed (only `help <command>`). */
  readonly positionals?: boolean;
}

/** A command as written: `run` gets an object holding exactly its own flags, typed by their declarations. */
export interface CommandSpec<Specs extends readonly FlagSpec[]> extends CommandInfo<Specs> {
  run(args: ParsedArgs<Specs>, ctx: CommandContext): Promise<void>;
}

/** A command as the commands table holds it: it parses its own command line, so callers need not know its flags. */
export interface Command extends CommandInfo<readonly FlagSpec[]> {
  /**
   * Parses `argv` with this command's flags (strict) and runs it, or prints its help for `--help`.
   * `commandWord` is how flag errors name it (`undefined` for the runbook, which has none).
   */
  invoke(argv: readonly string[], ctx: CommandContext, commandWord: string | undefined): Promise<void>;
}

export function defineCommand<const Specs extends readonly FlagSpec[]>(spec: CommandSpec<Specs>): Command {
  const { run, ...info } = spec;
  const command: Command = {
    ...info,
    async invoke(argv, ctx, commandWord) {
      const { help, ...args } = parseFlags(argv, spec.flags, commandWord, spec.positionals ?? false);
      if (help) {
        ctx.io.stdout.write(`${commandHelp(command)}\n`);
        return;
      }
      await run(args, ctx);
    },
  };
  return command;
}

export function commandHelp(command: CommandInfo<readonly FlagSpec[]>): string {
  const parts = [`Usage: ${command.usage}`, '', command.description, '', 'Options:', formatFlagHelp(command.flags)];
  if (command.examples?.length) parts.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  return parts.join('\n');
}
