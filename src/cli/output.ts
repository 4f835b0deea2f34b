// Where text goes: data on stdout, logs and progress on stderr. Log lines follow the reference
// tool's tracing format (`<time>  INFO <target>: <message>`) so scripts that grep them keep working.
import { maskPasswordsInText } from '../db/mask-url.js';
import { safeText } from '../text/terminal-safe.js';
import { colorWanted } from '../text/color.js';

export interface Stream {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
}

export interface CliIo {
  readonly stdout: Stream;
  readonly stderr: Stream;
  readonly env: Record<string, string | undefined>;
  readonly cwd: string;
  /** The terminal the interactive runbook reads keys from; absent in tests and embeddings. */
  readonly stdin?: NodeJS.ReadStream | undefined;
}

export type LogLevel = 'INFO' | 'WARN' | 'ERROR';

export interface Output {
  readonly io: CliIo;
  /** Colour only on a terminal, never with NO_COLOR or --json. */
  readonly color: boolean;
  /** One line of data on stdout, made safe for a terminal as one line (it may quote database values). */
  data(line: string): void;
  /** One log line on stderr. Messages are made safe for a terminal (they may quote database values), passwords masked. */
  log(level: LogLevel, message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Colour on stderr: never with --json, else the one decision of src/text/color.ts. */
export function colorAllowed(io: CliIo, json: boolean): boolean {
  return !json && colorWanted(io.env, Boolean(io.stderr.isTTY));
}

const LEVEL_COLOR: Record<LogLevel, string> = { INFO: '\u001b[32m', WARN: '\u001b[33m', ERROR: '\u001b[31m' };

export function makeOutput(io: CliIo, options: { json: boolean; target: string }): Output {
  const color = colorAllowed(io, options.json);
  const log = (level: LogLevel, message: string) => {
    const tag = level.padStart(5);
    const shown = color ? `${LEVEL_COLOR[level]}${tag}\u001b[0m` : tag;
    io.stderr.write(
      `${new Date().toISOString()} ${shown} ${options.target}: ${safeText(maskPasswordsInText(message))}\n`,
    );
  };
  return {
    io,
    color,
    data: (line) => io.stdout.write(`${safeText(line)}\n`),
    log,
    info: (m) => log('INFO', m),
    warn: (m) => log('WARN', m),
    error: (m) => log('ERROR', m),
  };
}
