// The command line and environment for the application's own tool: the admin container through
// docker, or a local reencrypt-secrets binary. Secrets travel in the environment only; the command
// line holds variable names, never values, and is checked for that before anything runs.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseCommandString } from 'execa';
import { UserError } from '../../errors.js';
import type { RunKind } from '../events.js';

export type ExternalEngine =
  { type: 'container'; image: string; dockerPath?: string | undefined } | { type: 'command'; command: string };

export interface ExternalEnv {
  DATABASE_URL: string;
  SECRETS_ENCRYPTION_KEY: string;
  SECRETS_ENCRYPTION_KEY_PREVIOUS?: string | undefined;
}

export const PASSED_VARIABLES = ['DATABASE_URL', 'SECRETS_ENCRYPTION_KEY', 'SECRETS_ENCRYPTION_KEY_PREVIOUS'] as const;

export interface ExternalCommand {
  file: string;
  args: string[];
  env: Record<string, string>;
  /** For messages: the command without any value from the environment. */
  description: string;
  /** The docker container's name, so an abort can remove it even if the docker client dies first. */
  containerName?: string;
}

function toolArgs(kind: RunKind, batchSize: number): string[] {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  return [...(kind === 'dry-run' ? ['--dry-run'] : []), '--batch-size', String(batchSize)];
}

/**
 * The child's environment: ours without the three variables, then exactly the ones given. An unset
 * previous key stays unset, so a stale one in our own environment cannot reach the tool.
 */
function childEnv(env: ExternalEnv, parentEnv: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(parentEnv)) {
    if (value !== undefined && !(PASSED_VARIABLES as readonly string[]).includes(name)) result[name] = value;
  }
  for (const name of PASSED_VARIABLES) {
    const value = env[name];
    if (value !== undefined && value !== '') result[name] = value;
  }
  if (!result.DATABASE_URL || !result.SECRETS_ENCRYPTION_KEY) {
    throw new UserError(
      'the application tool needs DATABASE_URL and SECRETS_ENCRYPTION_KEY',
      'Set both (in the environment, .env or --env-file) before running it.',
    );
  }
  return result;
}

export function buildExternalCommand(
  engine: ExternalEngine,
  run: { kind: RunKind; batchSize: number },
  env: ExternalEnv,
  parentEnv: NodeJS.ProcessEnv = process.env,
): ExternalCommand {
  const childVars = childEnv(env, parentEnv);
  let command: ExternalCommand;
  if (engine.type === 'container') {
    const containerName = `kek-rotate-reencrypt-${randomBytes(4).toString('hex')}`;
    const passes = PASSED_VARIABLES.filter((name) => childVars[name] !== undefined).flatMap((name) => ['-e', name]);
    const file = engine.dockerPath ?? 'docker';
    const args = [
      'run',
      '--rm',
      '--name',
      containerName,
      ...passes,
      engine.image,
      'reencrypt',
      ...toolArgs(run.kind, run.batchSize),
    ];
    command = { file, args, env: childVars, description: [file, ...args].join(' '), containerName };
  } else {
    const [first, ...rest] = parseCommandString(engine.command.trim());
    if (!first)
      throw new UserError(
        'the command for the application tool is empty',
        'Give the path of reencrypt-secrets with --command.',
      );
    // A relative path is the operator's, from where they stand; the tool itself runs elsewhere (see run-external).
    const file = first.includes('/') ? path.resolve(first) : first;
    const args = [...rest, ...toolArgs(run.kind, run.batchSize)];
    command = { file, args, env: childVars, description: [file, ...args].join(' ') };
  }
  assertNoSecretInArgs(command, env);
  return command;
}

/** A last guard: no value of the passed variables may appear on a command line (ps shows it to everyone). */
function assertNoSecretInArgs(command: ExternalCommand, env: ExternalEnv): void {
  const values = PASSED_VARIABLES.map((name) => env[name]).filter((v): v is string => v !== undefined && v.length >= 8);
  const material = values.flatMap((v) => [v, v.slice(v.indexOf(':') + 1)]).filter((v) => v.length >= 8);
  if ([command.file, ...command.args].some((arg) => material.some((secret) => arg.includes(secret)))) {
    throw new UserError(
      'refusing to run the application tool: a secret would appear on its command line',
      'Pass keys and the database URL only through the environment.',
    );
  }
}
