// What a shard run (--shard I/N) changes in runReencryption: each column's range for this shard
// (from the recorded plan, shard-plan.ts), the count of its rows, and the summary's shard report.
// The passes and the recount then stay inside that range (run-reencryption.ts, recount.ts).
import type { Db } from '../db/db.js';
import type { ResolvedColumn } from '../db/column.js';
import type { RunKind } from './events.js';
import { rangeCondition } from './id-ranges.js';
import { resolveShardPlan } from './shard-plan.js';
import {
  describeRange,
  shardLabel,
  shardRange,
  type ShardColumnReport,
  type ShardRange,
  type ShardReport,
  type ShardSpec,
} from './shard.js';

export interface ShardScope {
  readonly range: ShardRange;
  readonly report: ShardColumnReport;
}

/** Each column's range for `shard`, in the order of `columns`. */
export async function resolveShardScopes(
  db: Db,
  columns: readonly ResolvedColumn[],
  shard: ShardSpec,
  primaryKeyId: string,
  kind: RunKind,
  warn: (message: string) => void,
): Promise<ShardScope[]> {
  const scopes: ShardScope[] = [];
  for (const column of columns) {
    const plan = await resolveShardPlan(db, column, shard, primaryKeyId, kind, warn);
    const range = shardRange(plan.boundaries, shard);
    scopes.push({
      range,
      report: {
        table: column.label,
        ...(range.range.after !== undefined ? { after: range.range.after } : {}),
        ...(range.range.upTo !== undefined ? { upTo: range.range.upTo } : {}),
        empty: range.empty,
        plan: shard.count === 1 ? 'whole' : plan.source,
        ...(plan.recordedAt !== undefined ? { recordedAt: plan.recordedAt } : {}),
        ...(plan.recordedBy !== undefined ? { recordedBy: plan.recordedBy } : {}),
      },
    });
  }
  return scopes;
}

/** Rows of `column` in the shard's range now (an estimate for progress, as the whole-column count is). */
export async function countInShard(db: Db, column: ResolvedColumn, range: ShardRange): Promise<number> {
  if (range.empty) return 0;
  const where = rangeCondition(column, range.range);
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*)::bigint::text AS n FROM ${column.qualifiedTable} WHERE ${where.sql}`,
    where.params,
  );
  return Number(rows[0]?.n ?? 0);
}

/** `shard 1/4: ids after X up to Y (inclusive)`: the part of a column a shard run counted and recounted. */
export function describeShardScope(shard: ShardSpec, range: ShardRange): string {
  return `shard ${shardLabel(shard)}: ${describeRange(range)}`;
}

export function shardReport(shard: ShardSpec, scopes: readonly ShardScope[]): ShardReport {
  return { index: shard.index, count: shard.count, columns: scopes.map((s) => s.report) };
}
