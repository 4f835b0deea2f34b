// Flags are declared once per command as data; the parser (node:util parseArgs, strict) and the
// --help text are both derived from that declaration, so help and behaviour cannot disagree.
import { parseArgs } from 'node:util';
import { UserError } from '../errors.js';

export interface FlagSpec {
  readonly name: string;
  readonly short?: string;
  /** `boolean` flags take no value; `string` flags take one, shown as `valueName` in help. */
  readonly type: 'boolean' | 'string';
  readonly valueName?: string;
  readonly description: string;
}

export type ParsedFlags = Record<string, string | boolean | undefined>;

export interface ParsedArgs {
  flags: ParsedFlags;
  positionals: string[];
}

function helpHint(command: string | undefined): string {
  return `Run \`kek-rotate ${command ? `${command} ` : ''}--help\` to see the options.`;
}

/** Strict parsing: an unknown flag, a missing value or a stray argument is a UserError naming it. */
export function parseFlags(
  argv: readonly string[],
  specs: readonly FlagSpec[],
  command: string | undefined,
  allowPositionals = false,
): ParsedArgs {
  const options: Record<string, { type: 'boolean' | 'string'; short?: string }> = {};
  for (const spec of specs)
    options[spec.name] = spec.short ? { type: spec.type, short: spec.short } : { type: spec.type };
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, strict: true, allowPositionals });
    return { flags: values as ParsedFlags, positionals };
  } catch (error) {
    throw translateParseError(error, command);
  }
}

function translateParseError(error: unknown, command: string | undefined): Error {
  const e = error as { code?: string; message?: string };
  const firstLine = (e.message ?? '').split('\n')[0] ?? '';
  const quoted = /'([^']+)'/.exec(firstLine)?.[1];
  const where = command ? `kek-rotate ${command}` : 'kek-rotate';
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UserError(`unknown option ${quoted ?? ''} for ${where}`.replace('  ', ' '), helpHint(command));
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return new UserError(`${where}: ${firstLine.replace(/\.$/, '') || 'invalid option value'}`, helpHint(command));
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UserError(`${where} takes no argument ${quoted ? `"${quoted}"` : ''}`.trim(), helpHint(command));
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}

/** A flag that must be a whole number >= 1 (batch size, rate). */
export function positiveInteger(
  value: string | boolean | undefined,
  flag: string,
  fallback: number | undefined,
): number | undefined {
  if (value === undefined || value === false) return fallback;
  const text = String(value).trim();
  if (!/^[0-9]+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new UserError(
      `${flag} must be a whole number of at least 1, got ${JSON.stringify(String(value))}`,
      `For example ${flag} 100.`,
    );
  }
  return Number(text);
}

export function stringFlag(flags: ParsedFlags, name: string): string | undefined {
  const value = flags[name];
  return typeof value === 'string' ? value : undefined;
}

/** One choice out of a fixed list, with an error that lists them. */
export function choiceFlag<T extends string>(flags: ParsedFlags, name: string, choices: readonly T[], fallback: T): T {
  const value = stringFlag(flags, name);
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new UserError(`--${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

/** The OPTIONS block of a help text: aligned, one flag a line. */
export function formatFlagHelp(specs: readonly FlagSpec[]): string {
  const left = specs.map((s) => {
    const long = `--${s.name}${s.type === 'string' ? ` ${s.valueName ?? 'VALUE'}` : ''}`;
    return s.short ? `-${s.short}, ${long}` : `    ${long}`;
  });
  const width = Math.max(...left.map((l) => l.length));
  return specs.map((s, i) => `  ${left[i]!.padEnd(width)}  ${s.description}`).join('\n');
}
