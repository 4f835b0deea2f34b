// --shard I/N (and KEK_ROTATE_SHARD, JOB_COMPLETION_INDEX): which part of each column this process
// rotates when N processes share the work. Only `reencrypt` takes it.
import { MAX_SHARDS, shardLabel, type ShardSpec } from '../engine/shard.js';
import { UserError } from '../errors.js';
import { flag, type FlagValues } from './flags.js';

/** --shard I/N (src/engine/shard.ts): one of N processes sharing the work on each column. */
export const SHARD_FLAG = flag({
  name: 'shard',
  type: 'string',
  valueName: 'I/N',
  description:
    'Only range I of N of each column (I from 0 to N-1), for N processes sharing the work (built-in engine; also KEK_ROTATE_SHARD)',
});

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
export function parseShard(
  flags: FlagValues<[typeof SHARD_FLAG]>,
  env: Record<string, string | undefined>,
): ShardChoice {
  const given: { source: string; shard: ShardSpec }[] = [];
  const fromFlag = flags.shard;
  if (fromFlag !== undefined) given.push({ source: '--shard', shard: parseShardText(fromFlag, '--shard') });
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
