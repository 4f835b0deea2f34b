// --shard I/N: one run covers range I of N id ranges of each column, so N processes (on N machines,
// e.g. the pods of a Kubernetes Indexed Job) finish a table together. The N ranges come from N-1
// boundaries that every shard reads from one plan recorded in the database (shard-plan.ts): fixed
// values, so every id (present, inserted or deleted later, whenever a shard starts or restarts)
// belongs to exactly one shard. This file holds the pure part: the spec, its label, and the range
// of a shard given the boundaries.
import type { RunSummary } from './events.js';
import type { KeysetRange } from './keyset-reader.js';

/** Shard `index` of `count`, counted from 0 as Kubernetes' JOB_COMPLETION_INDEX counts. */
export interface ShardSpec {
  readonly index: number;
  readonly count: number;
}

/**
 * The most shards. Each shard process opens its own connections (--concurrency workers, a lock
 * connection), so hundreds of shards would take more of the application's connections than any
 * speed they could add.
 */
export const MAX_SHARDS = 256;

/** `1/4` */
export function shardLabel(shard: ShardSpec): string {
  return `${shard.index}/${shard.count}`;
}

export function checkShard(shard: ShardSpec): void {
  const { index, count } = shard;
  if (!Number.isInteger(count) || count < 1 || count > MAX_SHARDS)
    throw new RangeError(`shard count must be an integer from 1 to ${MAX_SHARDS}, got ${count}`);
  if (!Number.isInteger(index) || index < 0 || index >= count)
    throw new RangeError(`shard index must be an integer from 0 to ${count - 1}, got ${index}`);
}

/** One column's part of a shard: its id range, or nothing at all (`empty`). */
export interface ShardRange {
  readonly range: KeysetRange;
  /** No id can fall in this shard (the table was empty when the plan was made: the last shard takes it all). */
  readonly empty: boolean;
}

/**
 * Range `index` of the N ranges that `boundaries` (N-1 ids as text, in id order) cut the id space
 * into: ids after boundary index-1 (from the first id for shard 0) up to boundary `index` inclusive
 * (to the last id for shard N-1). A null boundary stands below every id (percentile_disc gives
 * nulls only for an empty table): the shards it ends are empty and the next one starts at the first id.
 * Equal boundaries give an empty range. Whatever the boundaries, each id falls in exactly one range.
 */
export function shardRange(boundaries: readonly (string | null)[], shard: ShardSpec): ShardRange {
  if (boundaries.length !== shard.count - 1)
    throw new Error(`a plan for ${shard.count} shards has ${shard.count - 1} boundaries, got ${boundaries.length}`);
  const lower = shard.index === 0 ? undefined : boundaries[shard.index - 1];
  const upper = shard.index === shard.count - 1 ? undefined : boundaries[shard.index];
  if (upper === null) return { range: {}, empty: true };
  return {
    range: { ...(lower != null ? { after: lower } : {}), ...(upper !== undefined ? { upTo: upper } : {}) },
    empty: false,
  };
}

/** `ids after X up to Y` (for people; ids are data: made safe where printed). */
export function describeRange(r: ShardRange): string {
  if (r.empty) return 'no ids (the table was empty when the boundaries were recorded; the last shard takes every id)';
  const { after, upTo } = r.range;
  if (after === undefined && upTo === undefined) return 'every id';
  if (after === undefined) return `ids up to ${upTo} (inclusive)`;
  if (upTo === undefined) return `ids after ${after}`;
  return `ids after ${after} up to ${upTo} (inclusive)`;
}

/** What one column's part of a shard run was, for the summary. */
export interface ShardColumnReport {
  readonly table: string;
  readonly after?: string | undefined;
  readonly upTo?: string | undefined;
  readonly empty: boolean;
  /** Where the boundaries came from: `recorded` (the plan table, made now or earlier), `computed` (a
   * dry run that could not record them), `whole` (one shard: no boundary at all). */
  readonly plan: 'recorded' | 'computed' | 'whole';
  /** When and by whom the plan was recorded (`recorded` only). */
  readonly recordedAt?: string | undefined;
  readonly recordedBy?: string | undefined;
}

export interface ShardReport {
  readonly index: number;
  readonly count: number;
  readonly columns: readonly ShardColumnReport[];
}

/** The run's summary, and for a shard run which shard and which ranges it covered (its counts and
 * its recount are of those ranges only). */
export interface ShardedRunSummary extends RunSummary {
  readonly shard?: ShardReport;
}
