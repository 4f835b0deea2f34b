// Flags are declared once per command as data; the parser (node:util parseArgs, strict) and the
// --help text are both derived from that declaration, so help and behaviour cannot disagree.
import { parseArgs } from 'node:util';
import { UserError } from '../errors.js';

export type FlagType = 'boolean' | 'string';

export interface FlagSpec<Name extends string = string, Type extends FlagType = FlagType> {
  readonly name: Name;
  readonly short?: string;
  /** `boolean` flags take no value; `string` flags take one, shown as `valueName` in help. */
  readonly type: Type;
  readonly valueName?: string;
  readonly description: string;
}

/**
 * Declares a flag with its name and type kept as literal types, so a command's parsed flags are
 * an object with exactly its flags' names: `flags.dry-run` misspelt is a compile error.
 */
export function flag<const Name extends string, const Type extends FlagType>(
  spec: FlagSpec<Name, Type>,
): FlagSpec<Name, Type> {
  return spec;
}

/** The parsed values of a list of flags: a boolean flag is `true` when given, a string flag its text. */
export type FlagValues<Specs extends readonly FlagSpec[]> = {
  readonly [Spec in Specs[number] as Spec['name']]?: Spec['type'] extends 'boolean' ? boolean : string;
};

export interface ParsedArgs<Specs extends readonly FlagSpec[] = readonly FlagSpec[]> {
  flags: FlagValues<Specs>;
  positionals: string[];
}

export interface ParsedCommandLine<Specs extends readonly FlagSpec[]> extends ParsedArgs<Specs> {
  /** `--help` / `-h` was given: print the help, run nothing. */
  help: boolean;
}

function helpHint(command: string | undefined): string {
  return `Run \`kek-rotate ${command ? `${command} ` : ''}--help\` to see the options.`;
}

/** Strict parsing: an unknown flag, a missing value or a stray argument is a UserError naming it. */
export function parseFlags<const Specs extends readonly FlagSpec[]>(
  argv: readonly string[],
  specs: Specs,
  command: string | undefined,
  allowPositionals = false,
): ParsedCommandLine<Specs> {
  const options: Record<string, { type: 'boolean' | 'string'; short?: string }> = {};
  for (const spec of specs)
    options[spec.name] = spec.short ? { type: spec.type, short: spec.short } : { type: spec.type };
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, strict: true, allowPositionals });
    // parseArgs was given exactly these specs (strict), so its values have exactly their names and types.
    return { flags: values as FlagValues<Specs>, positionals, help: values['help'] === true };
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
export function positiveInteger(value: string | undefined, flagName: string, fallback: number): number;
export function positiveInteger(value: string | undefined, flagName: string, fallback?: undefined): number | undefined;
export function positiveInteger(value: string | undefined, flagName: string, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const text = value.trim();
  if (!/^[0-9]+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new UserError(
      `${flagName} must be a whole number of at least 1, got ${JSON.stringify(value)}`,
      `For example ${flagName} 100.`,
    );
  }
  return Number(text);
}

/** One choice out of a fixed list, with an error that lists them. */
export function choiceFlag<T extends string>(
  value: string | undefined,
  flagName: string,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new UserError(`${flagName} must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
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
