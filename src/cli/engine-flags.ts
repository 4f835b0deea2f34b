// Which engine runs the re-encryption: the built-in one, the application's admin container, or a
// local reencrypt-secrets binary. Declared once, shared by the runbook and `reencrypt`.
import type { EngineChoice } from '../effects/production-effects.js';
import { UserError } from '../errors.js';
import { choiceFlag, positiveInteger, stringFlag, type FlagSpec, type ParsedFlags } from './flags.js';

export const DEFAULT_IMAGE = 'everruns-admin';

export const ENGINE_FLAGS: readonly FlagSpec[] = [
  { name: 'engine', type: 'string', valueName: 'NAME', description: 'builtin (default), container (docker run IMAGE reencrypt) or command' },
  { name: 'image', type: 'string', valueName: 'NAME', description: `Admin container image for --engine container (default ${DEFAULT_IMAGE})` },
  { name: 'command', type: 'string', valueName: 'PATH', description: 'reencrypt-secrets binary for --engine command' },
];

/** The reference tool's default, kept. */
export const DEFAULT_BATCH_SIZE = 100;

/**
 * The largest --batch-size. Each row of a batch in flight costs a few KB (the row, its decrypted and
 * re-encrypted forms, the copies to the crypto workers), times one batch per worker. Measured peak
 * RSS of a live reencrypt on 100,000 rows (88,025 to move, PostgreSQL, 2 workers): 229 MB at 1,000,
 * 385 MB at 10,000, 456 MB at 30,000, 518 MB at 100,000, and 2.95 GB at 1,000,000 on a larger table;
 * throughput stops improving well before 10,000 (3.9 s at 1,000, 4.3 s at 10,000 on that table). A
 * batch is also one transaction holding its rows' locks against the live application, so larger
 * batches only make the application wait longer.
 */
export const MAX_BATCH_SIZE = 10_000;

export const BATCH_SIZE_FLAG: FlagSpec = {
  name: 'batch-size',
  short: 'b',
  type: 'string',
  valueName: 'N',
  description: `Rows per batch (default ${DEFAULT_BATCH_SIZE}, at most ${MAX_BATCH_SIZE})`,
};

/** --batch-size: a whole number from 1 to MAX_BATCH_SIZE. */
export function parseBatchSize(flags: ParsedFlags): number {
  const n = positiveInteger(flags['batch-size'], '--batch-size', DEFAULT_BATCH_SIZE)!;
  if (n > MAX_BATCH_SIZE) {
    throw new UserError(
      `--batch-size must be at most ${MAX_BATCH_SIZE}, got ${n}`,
      `Each row of a batch is held in memory and locked until its transaction commits; larger batches gain no speed. Use --batch-size ${MAX_BATCH_SIZE} or less (the default is ${DEFAULT_BATCH_SIZE}).`,
    );
  }
  return n;
}

export const CONCURRENCY_FLAG: FlagSpec = {
  name: 'concurrency',
  type: 'string',
  valueName: 'N',
  description: 'Workers per column, each on its own connection (built-in engine; default 2, at most 8)',
};

export function parseEngine(flags: ParsedFlags): EngineChoice {
  const type = choiceFlag(flags, 'engine', ['builtin', 'container', 'command'] as const, 'builtin');
  const image = stringFlag(flags, 'image');
  const command = stringFlag(flags, 'command');
  if (type !== 'container' && image !== undefined) throw new UserError('--image is only used with --engine container', 'Add --engine container, or drop --image.');
  if (type !== 'command' && command !== undefined) throw new UserError('--command is only used with --engine command', 'Add --engine command, or drop --command.');
  if (type === 'builtin') return { type };
  if (type === 'container') {
    const name = (image ?? DEFAULT_IMAGE).trim();
    if (name === '') throw new UserError('--image needs an image name', `For example --image ${DEFAULT_IMAGE}:latest`);
    return { type, image: name };
  }
  if (command === undefined || command.trim() === '') {
    throw new UserError('--engine command needs --command PATH', 'For example --engine command --command /usr/local/bin/reencrypt-secrets');
  }
  return { type, command };
}

export function parseConcurrency(flags: ParsedFlags): number | undefined {
  const n = positiveInteger(flags['concurrency'], '--concurrency', undefined);
  if (n !== undefined && n > 8) throw new UserError(`--concurrency must be at most 8, got ${n}`, 'More workers take more of the application\'s connections for little gain.');
  return n;
}

/** --wait: another live run holds a column's run lock (src/engine/run-lock.ts); wait for it instead of exiting 2. */
export const WAIT_FLAG: FlagSpec = {
  name: 'wait',
  type: 'boolean',
  description: 'If another live run is re-encrypting a column, wait for it to finish (default: exit 2)',
};
