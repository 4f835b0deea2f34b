// A strict dotenv reader for the application's variables. Anything it cannot read unambiguously is an
// error naming the file and line; values are never echoed, since they may be keys or passwords.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { keyFileWarning, keyVariableWarnings, openToOthersWarning } from './input-warnings.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const EXPORT_PREFIX = /^export\s+/;
// The application's dotenv substitutes $NAME and ${NAME}; we do not, so such values are refused
// rather than read differently from the way the application would read them.
const SUBSTITUTION = /\$(?:\{|[A-Za-z_])/;
const DOUBLE_QUOTE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '$' };
const FORMAT_HINT =
  'Each line is KEY=value, export KEY=value, KEY=\'literal\', KEY="with \\n escapes", a # comment, or blank.';

class LineProblem extends Error {}

/** The value after "=", with its quoting removed; throws LineProblem (without the value) when unreadable. */
function parseValue(raw: string): string {
  const text = raw.trimStart();
  const quote = text[0];
  if (quote === "'" || quote === '"') {
    let value = '';
    let index = 1;
    for (; index < text.length && text[index] !== quote; index++) {
      if (quote === '"' && text[index] === '\\') {
        const escaped = DOUBLE_QUOTE_ESCAPES[text[index + 1] ?? ''];
        if (escaped === undefined)
          throw new LineProblem('a double-quoted value has an unknown "\\" escape (known: \\n \\r \\t \\" \\\\ \\$)');
        value += escaped;
        index++;
      } else {
        value += text[index];
      }
    }
    if (index >= text.length)
      throw new LineProblem(`the ${quote === '"' ? 'double' : 'single'}-quoted value is not closed on this line`);
    const rest = text.slice(index + 1).trim();
    if (rest !== '' && !rest.startsWith('#')) throw new LineProblem('there is text after the closing quote');
    if (quote === '"' && SUBSTITUTION.test(text.slice(1, index).replace(/\\\\|\\\$/g, ''))) {
      throw new LineProblem(
        'the value uses $ substitution, which is not supported: write the value out, or escape it as \\$',
      );
    }
    return value;
  }
  const value = text.replace(/(^|\s)#.*$/, '').trim();
  if (SUBSTITUTION.test(value)) {
    throw new LineProblem(
      'the value uses $ substitution, which is not supported: write the value out, or put it in single quotes',
    );
  }
  return value;
}

/** Parses dotenv text; `origin` names the file in errors. */
export function parseEnvText(text: string, origin: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lineOf = new Map<string, number>();
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((line, index) => {
      const lineNo = index + 1;
      const fail = (problem: string): never => {
        throw new UserError(`${origin} line ${lineNo}: ${problem}`, FORMAT_HINT);
      };
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) return;
      const statement = trimmed.replace(EXPORT_PREFIX, '');
      const equals = statement.indexOf('=');
      if (equals < 0) fail('expected KEY=value, found no "="');
      const name = statement.slice(0, equals).trim();
      if (!NAME.test(name))
        fail('the text before "=" is not a variable name (letters, digits and _, not starting with a digit)');
      const previous = lineOf.get(name);
      if (previous !== undefined) fail(`${name} is already set on line ${previous}; keep one of them`);
      try {
        result[name] = parseValue(statement.slice(equals + 1));
      } catch (error) {
        if (error instanceof LineProblem) fail(`${name}: ${error.message}`);
        throw error;
      }
      lineOf.set(name, lineNo);
    });
  return result;
}

const PATH_HINT = 'Check the path given with --env-file (relative paths are from the current directory).';

/** Why the env file cannot be read, as a sentence naming it (never its contents). */
function unreadable(file: string, code: string | undefined): UserError {
  switch (code) {
    case 'ENOENT':
      return new UserError(`env file ${file} does not exist`, PATH_HINT);
    case 'EISDIR':
      return new UserError(
        `env file ${file} is a directory, not a file (EISDIR)`,
        `Give the file itself, e.g. --env-file ${path.join(file, '.env')}.`,
      );
    case 'EACCES':
    case 'EPERM':
      return new UserError(
        `cannot read env file ${file}: permission denied (${code})`,
        'Run as a user who can read it (it should be readable by its owner only: chmod 600).',
      );
    default:
      return new UserError(`cannot read env file ${file}: ${code ?? 'unknown error'}`, PATH_HINT);
  }
}

/** The file's variables, or undefined when it does not exist and is not required. */
function readIfPresent(file: string, required: boolean): Record<string, string> | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return undefined;
    throw unreadable(file, code);
  }
  return parseEnvText(text, file);
}

/** Reads a dotenv file. A missing file is an error when `required`, and an empty result otherwise. */
export function readEnvFile(file: string, { required }: { required: boolean }): Record<string, string> {
  return readIfPresent(file, required) ?? {};
}

export interface LoadEnvironmentOptions {
  cwd: string;
  /** --env-file: must exist, and replaces ./.env rather than adding to it. */
  envFile?: string | undefined;
  processEnv: Record<string, string | undefined>;
}

export interface LoadedEnvironment {
  env: Record<string, string | undefined>;
  /** The files that were read (absolute paths); empty when only the process environment was used. */
  sources: string[];
  /** Sentences for the operator (a file others can read, a key with trailing whitespace); never a value. */
  warnings: string[];
}

/**
 * The environment as the application would see it: ./.env if present, or the --env-file instead, with
 * the process environment winning over the file (as the application's dotenv does). An explicit file
 * replaces .env so a stale .env cannot slip an old key into a run configured elsewhere.
 */
export function loadEnvironment({ cwd, envFile, processEnv }: LoadEnvironmentOptions): LoadedEnvironment {
  const file = path.resolve(cwd, envFile ?? '.env');
  const fromFile = readIfPresent(file, envFile !== undefined);
  const env = { ...fromFile, ...processEnv };
  const sources = fromFile ? [file] : [];
  const access = sources.map((f) => openToOthersWarning(f, 'env file', 'it holds keys and passwords'));
  return { env, sources, warnings: [...access.filter((w) => w !== undefined), ...keyVariableWarnings(env)] };
}

/**
 * Every warning about where the keys come from, the env file and --keys-file, read now: for the
 * runbook, which shows them on its preflight screen rather than on stderr.
 */
export function inputWarnings(source: LoadEnvironmentOptions, keysFile?: string): string[] {
  const keys = keysFile === undefined ? undefined : keyFileWarning(path.resolve(source.cwd, keysFile), 'keys file');
  return [...loadEnvironment(source).warnings, ...(keys ? [keys] : [])];
}
