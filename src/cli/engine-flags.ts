// Which engine runs the re-encryption: the built-in one, the application's admin container, or a
// local reencrypt-secrets binary. Declared once, shared by the runbook and `reencrypt`.
import type { EngineChoice } from '../effects/production-effects.js';
import { MAX_SHARDS, shardLabel, type ShardSpec } from '../engine/shard.js';
import { UserError } from '../errors.js';
import { choiceFlag, positiveInteger, stringFlag, type FlagSpec, type ParsedFlags } from './flags.js';

export const DEFAULT_IMAGE = 'everruns-admin';

export const ENGINE_FLAGS: readonly FlagSpec[] = [
  {
    name: 'engine',
    type: 'string',
    valueName: 'NAME',
    description: 'builtin (default), container (docker run IMAGE reencrypt) or command',
  },
  {
    name: 'image',
    type: 'string',
    valueName: 'NAME',
    description: `Admin container image for --engine container (default ${DEFAULT_IMAGE})`,
  },
  { name: 'command', type: 'string', valueName: 'PATH', description: 'reencrypt-secrets binary for --engine command' },
];

export { DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE } from '../engine/batch-size.js';
import { DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE } from '../engine/batch-size.js';

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
  if (type !== 'container' && image !== undefined)
    throw new UserError('--image is only used with --engine container', 'Add --engine container, or drop --image.');
  if (type !== 'command' && command !== undefined)
    throw new UserError('--command is only used with --engine command', 'Add --engine command, or drop --command.');
  if (type === 'builtin') return { type };
  if (type === 'container') {
    const name = (image ?? DEFAULT_IMAGE).trim();
    if (name === '') throw new UserError('--image needs an image name', `For example --image ${DEFAULT_IMAGE}:latest`);
    return { type, image: name };
  }
  if (command === undefined || command.trim() === '') {
    throw new UserError(
      '--engine command needs --command PATH',
      'For example --engine command --command /usr/local/bin/reencrypt-secrets',
    );
  }
  return { type, command };
}

export function parseConcurrency(flags: ParsedFlags): number | undefined {
  const n = positiveInteger(flags['concurrency'], '--concurrency', undefined);
  if (n !== undefined && n > 8)
    throw new UserError(
      `--concurrency must be at most 8, got ${n}`,
      "More workers take more of the application's connections for little gain.",
    );
  return n;
}

/** --wait: another live run holds a column's run lock (src/engine/run-lock.ts); wait for it instead of exiting 2. */
export const WAIT_FLAG: FlagSpec = {
  name: 'wait',
  type: 'boolean',
  description: 'If another live run is re-encrypting a column, wait for it to finish (default: exit 2)',
};

/** --shard I/N (src/engine/shard.ts): one of N processes sharing the work on each column. */
export const SHARD_FLAG: FlagSpec = {
  name: 'shard',
  type: 'string',
  valueName: 'I/N',
  description:
    'Only range I of N of each column (I from 0 to N-1), for N processes sharing the work (built-in engine; also KEK_ROTATE_SHARD)',
};

/** The shard count that goes with Kubernetes' JOB_COMPLETION_INDEX (set it to the Job's completions). */
export const SHARD_COUNT_VARIABLE = 'KEK_ROTATE_SHARD_COUNT';

const SHARD_HINT = `Give I/N with I from 0 to N-1 and N from 1 to ${MAX_SHARDS}: for 4 processes, --shard 0/4, 1/4, 2/4 and 3/4 (in a Kubernetes Indexed Job, set ${SHARD_COUNT_VARIABLE} to its completions instead).`;

function wholeNumber(text: string): number | undefined {
  return /^[0-9]{1,6}$/.test(text) ? Number(text) : undefined;
}

function checkedShard(index: number | undefined, count: number | undefined, source: string, raw: string): ShardSpec {
  if (index === undefined || count === undefined) {
    throw new UserError(
      `${source} must be I/N with whole numbers, such as 0/4, got ${JSON.stringify(raw)}`,
      SHARD_HINT,
    );
  }
  if (count < 1) throw new UserError(`${source} ${raw}: the number of shards N must be at least 1`, SHARD_HINT);
  if (count > MAX_SHARDS) {
    throw new UserError(
      `${source} ${raw}: at most ${MAX_SHARDS} shards`,
      `Each shard takes its own database connections. ${SHARD_HINT}`,
    );
  }
  if (index >= count) {
    throw new UserError(
      `${source} ${raw}: the shard index must be from 0 to ${count - 1} (shards count from 0, as Kubernetes' JOB_COMPLETION_INDEX does)`,
      SHARD_HINT,
    );
  }
  return { index, count };
}

function parseShardText(raw: string, source: string): ShardSpec {
  const parts = raw.trim().split('/');
  if (parts.length !== 2) return checkedShard(undefined, undefined, source, raw);
  return checkedShard(wholeNumber(parts[0]!), wholeNumber(parts[1]!), source, raw);
}

export interface ShardChoice {
  /** Undefined: the run covers every row of each column. */
  readonly shard: ShardSpec | undefined;
  readonly warnings: readonly string[];
}

/**
 * The shard of this process, from --shard, KEK_ROTATE_SHARD (I/N), or JOB_COMPLETION_INDEX together
 * with KEK_ROTATE_SHARD_COUNT (a Kubernetes Indexed Job). Read from the process environment only,
 * never from .env: a .env file is shared, a shard is one process's. Sources given together must agree.
 */
export function parseShard(flags: ParsedFlags, env: Record<string, string | undefined>): ShardChoice {
  const given: { source: string; shard: ShardSpec }[] = [];
  const flag = stringFlag(flags, 'shard');
  if (flag !== undefined) given.push({ source: '--shard', shard: parseShardText(flag, '--shard') });
  const variable = env.KEK_ROTATE_SHARD;
  if (variable !== undefined && variable.trim() !== '')
    given.push({ source: 'KEK_ROTATE_SHARD', shard: parseShardText(variable, 'KEK_ROTATE_SHARD') });
  const countText = env[SHARD_COUNT_VARIABLE];
  const indexText = env.JOB_COMPLETION_INDEX;
  const hasIndex = indexText !== undefined && indexText.trim() !== '';
  if (countText !== undefined && countText.trim() !== '') {
    if (!hasIndex && given.length === 0) {
      throw new UserError(
        `${SHARD_COUNT_VARIABLE}=${countText.trim()} is set but JOB_COMPLETION_INDEX is not: which shard is this process?`,
        `In a Kubernetes Indexed Job the Job controller sets JOB_COMPLETION_INDEX; elsewhere give --shard I/N. ${SHARD_HINT}`,
      );
    }
    const count = wholeNumber(countText.trim());
    if (count === undefined)
      throw new UserError(
        `${SHARD_COUNT_VARIABLE} must be a whole number of shards, got ${JSON.stringify(countText)}`,
        SHARD_HINT,
      );
    if (hasIndex) {
      const raw = `${indexText.trim()}/${countText.trim()}`;
      given.push({
        source: `JOB_COMPLETION_INDEX/${SHARD_COUNT_VARIABLE}`,
        shard: checkedShard(wholeNumber(indexText.trim()), count, `JOB_COMPLETION_INDEX/${SHARD_COUNT_VARIABLE}`, raw),
      });
    } else if (given.some((g) => g.shard.count !== count)) {
      const other = given[0]!;
      throw new UserError(
        `${SHARD_COUNT_VARIABLE}=${countText.trim()} and ${other.source} ${shardLabel(other.shard)} disagree on the number of shards`,
        SHARD_HINT,
      );
    }
  }
  const [first, ...rest] = given;
  for (const other of rest) {
    if (other.shard.index !== first!.shard.index || other.shard.count !== first!.shard.count) {
      throw new UserError(
        `${first!.source} ${shardLabel(first!.shard)} and ${other.source} ${shardLabel(other.shard)} name different shards`,
        "Give the shard once, or make them agree: two processes that think they are the same shard leave another shard's rows to nobody.",
      );
    }
  }
  const warnings =
    first === undefined && hasIndex
      ? [
          `JOB_COMPLETION_INDEX is set (${indexText.trim()}) but no shard count: this run covers every row of each column. To split the work across the Job's pods, set ${SHARD_COUNT_VARIABLE} to its completions.`,
        ]
      : [];
  return { shard: first?.shard, warnings };
}
