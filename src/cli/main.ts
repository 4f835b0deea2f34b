// The one exit point: parse the command line, run one command with an AbortSignal wired to
// Ctrl-C/SIGTERM, and map whatever it throws to an exit code through the table, once.
import { CancelledError, ExternalProcessError, KekRotateError, UserError } from '../errors.js';
import { maskPasswordsInText } from '../db/mask-url.js';
import { safeText } from '../text/terminal-safe.js';
import type { Command, CommandContext } from './command.js';
import { COMMANDS, NO_COMMAND, findCommand } from './commands.js';
import { EXIT_CODES, exitKindFor } from './exit-codes.js';
import { formatGlobalHelp } from './global-help.js';
import { colorAllowed, type CliIo } from './output.js';
import { abortOnSignals } from './signals.js';
import { packageVersion } from './version.js';

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), stdin: process.stdin };
}

function printError(error: unknown, io: CliIo, debug: boolean): number {
  const kind = exitKindFor(error);
  const red = colorAllowed(io, false) ? (s: string) => `\u001b[31m${s}\u001b[0m` : (s: string) => s;
  const write = (label: string, text: string) => io.stderr.write(`${label} ${safeText(text, { replacement: '?' })}\n`);
  // Last line of defence: a message that quotes a connection string shows no password (hints are our own text).
  const message = maskPasswordsInText(error instanceof Error ? error.message : String(error));
  if (kind === 'internal') {
    write(red('error:'), `internal error: ${message}`);
    io.stderr.write('this is a bug in kek-rotate; please report it with the command you ran.\n');
    if (debug && error instanceof Error && error.stack)
      io.stderr.write(`${safeText(maskPasswordsInText(error.stack), { newline: 'keep', replacement: '?' })}\n`);
    else io.stderr.write('hint: run again with --debug to see the stack trace.\n');
    return EXIT_CODES.internal.code;
  }
  write(kind === 'cancelled' ? 'stopped:' : red('error:'), message);
  const hint = error instanceof KekRotateError ? error.hint : undefined;
  if (kind === 'cancelled') write('hint:', hint ?? 'run the same command again to finish the job.');
  else if (hint) write('hint:', hint);
  if (error instanceof ExternalProcessError && error.tail.length > 0) {
    io.stderr.write('last lines of its output:\n');
    for (const line of error.tail) write(' ', line);
  }
  return EXIT_CODES[kind].code;
}

async function dispatch(argv: string[], ctx: CommandContext): Promise<void> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-V') {
    ctx.io.stdout.write(`${packageVersion()}\n`);
    return;
  }
  if (first === undefined && NO_COMMAND) return runCommand(NO_COMMAND, [], ctx);
  if (first === undefined || first === '--help' || first === '-h') {
    ctx.io.stdout.write(`${formatGlobalHelp(COMMANDS, NO_COMMAND)}\n`);
    return;
  }
  if (first.startsWith('-')) {
    if (NO_COMMAND) return runCommand(NO_COMMAND, argv, ctx);
    throw new UserError(
      `unknown option ${first} for kek-rotate`,
      'Run `kek-rotate --help` to see the commands and options.',
    );
  }
  const command = findCommand(first);
  if (!command)
    throw new UserError(`unknown command ${JSON.stringify(first)}`, 'Run `kek-rotate --help` to see the commands.');
  return runCommand(command, rest, ctx);
}

function runCommand(command: Command, argv: string[], ctx: CommandContext): Promise<void> {
  // The runbook has no command word: its flag errors name plain `kek-rotate`.
  return command.invoke(argv, ctx, command === NO_COMMAND ? undefined : command.name);
}

/** Runs the command line and returns the exit code; never exits. `--debug` may appear anywhere. */
export async function main(argv: readonly string[], io: CliIo = processIo(), signal?: AbortSignal): Promise<number> {
  const debug = argv.includes('--debug');
  const rest = argv.filter((a) => a !== '--debug');
  try {
    signal?.throwIfAborted(); // stopped before it started (a signal the launcher caught early)
    await dispatch(rest, { io, signal: signal ?? new AbortController().signal, debug });
    return EXIT_CODES.ok.code;
  } catch (error) {
    return printError(error, io, debug);
  }
}

/** What bin/ calls: the process-level wiring (signals, exit). The only process.exit in the tool. */
export async function runCli(argv: readonly string[]): Promise<never> {
  const io = processIo();
  const scope = abortOnSignals(
    () =>
      io.stderr.write(
        '\nStopping: the batch in flight commits or rolls back, then a summary is printed. Press Ctrl-C again to stop at once.\n',
      ),
    () => {
      io.stderr.write(
        '\nStopped at once. Every row is still on its old key or the new one; run the command again to finish.\n',
      );
      process.exit(EXIT_CODES.cancelled.code);
    },
  );
  let code: number;
  try {
    code = await main(argv, io, scope.signal);
  } finally {
    scope.dispose();
  }
  // A run stopped by a signal exits 130 even if the command returned cleanly between batches.
  if (code === EXIT_CODES.ok.code && scope.signal.aborted) code = printError(new CancelledError(), io, false);
  process.exit(code);
}
