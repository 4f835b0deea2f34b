// Where the shards of one rotation get their boundaries: a plan recorded once, by whichever shard
// comes first, in table kek_rotate_shard_plan of the column's schema, and read by every other shard.
//
// Why recorded and not recomputed by each shard: shards start at slightly different moments (and a
// shard killed and run again starts much later), while the application inserts and deletes rows.
// Boundaries sampled from the table at each start would differ from shard to shard, and a gap
// between two shards' ranges would be rows no shard reads: skipped silently. Boundaries derived
// from the id type's domain alone would need no table, but ids are not spread over their domain
// (UUIDv7 ids start with a timestamp, bigint ids count from 1): nearly every row would land in one
// shard. So the first shard samples the ids (percentiles of a row-by-row sample, id-ranges.ts) and
// records the N-1 boundaries; they are fixed values from then on, so every id, present or future, belongs to
// exactly one shard, whoever starts when. A plan is keyed by table, column, id type, shard count and
// primary key id: the shards of a rotation, and any of them run again, share it; the next rotation
// (another primary key) samples the table afresh.
//
// Recording is serialized by a transaction-level advisory lock per schema, so shards starting at
// once wait a moment for the first one and then read what it wrote.
import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../db/db.js';
import type { ResolvedColumn } from '../db/column.js';
import { quoteIdent } from '../db/quote.js';
import { isConnectionLoss } from '../db/reconnect.js';
import { UserError } from '../errors.js';
import { safeText } from '../text/terminal-safe.js';
import type { RunKind } from './events.js';
import { sampleBoundaries } from './id-ranges.js';
import { shardLabel, type ShardSpec } from './shard.js';

export const SHARD_PLAN_TABLE = 'kek_rotate_shard_plan';

/** The table's DDL (also shown to an operator whose user may not create it). */
export function shardPlanDdl(schema: string): string {
  return (
    `CREATE TABLE ${quoteIdent(schema)}.${SHARD_PLAN_TABLE} (` +
    'table_name text NOT NULL, column_name text NOT NULL, id_type text NOT NULL, shard_count integer NOT NULL, ' +
    'primary_key_id text NOT NULL, boundaries text[] NOT NULL, ' +
    "created_at timestamptz NOT NULL DEFAULT now(), created_by text NOT NULL DEFAULT current_setting('application_name'), " +
    'PRIMARY KEY (table_name, column_name, id_type, shard_count, primary_key_id))'
  );
}

export interface ShardPlan {
  /** N-1 boundaries (ids as text, in id order; null below every id, for an empty table). */
  readonly boundaries: readonly (string | null)[];
  /** `recorded`: read from (or just written to) the plan table; `computed`: sampled for this run only. */
  readonly source: 'recorded' | 'computed';
  readonly recordedAt?: string | undefined;
  readonly recordedBy?: string | undefined;
}

/** The advisory key that serializes recording plans in `schema`. */
function planLockKey(schema: string): string {
  return createHash('sha256')
    .update(['kek-rotate shard plan', schema].join('\0'))
    .digest()
    .readBigInt64BE(0)
    .toString();
}

interface PlanRow {
  boundaries: (string | null)[];
  created_at: Date | string;
  created_by: string;
}

function fromRow(row: PlanRow): ShardPlan {
  return {
    boundaries: row.boundaries,
    source: 'recorded',
    recordedAt: row.created_at instanceof Date ? row.created_at.toISOString() : String(row.created_at),
    recordedBy: row.created_by,
  };
}

/** Ids sampled for a plan: row by row (see SampleMethod), enough for ranges within a fraction of a percent. */
const PLAN_SAMPLE = { method: 'BERNOULLI', rows: 100_000 } as const;

/** Samples the N-1 boundaries of the whole column now. */
async function samplePlan(db: Queryable, column: ResolvedColumn, count: number): Promise<(string | null)[]> {
  const { rows } = await db.query<{ n: string }>(`SELECT count(*)::bigint::text AS n FROM ${column.qualifiedTable}`);
  return sampleBoundaries(db, column, Number(rows[0]?.n ?? 0), count, undefined, PLAN_SAMPLE);
}

/** Reads the recorded plan, or records one (the first shard to get here). */
async function readOrRecord(
  db: Db,
  column: ResolvedColumn,
  shard: ShardSpec,
  primaryKeyId: string,
): Promise<ShardPlan> {
  const table = `${quoteIdent(column.schema)}.${SHARD_PLAN_TABLE}`;
  const key = [column.table, column.column, column.idType, shard.count, primaryKeyId];
  const select = `SELECT boundaries, created_at, created_by FROM ${table}
    WHERE table_name = $1 AND column_name = $2 AND id_type = $3 AND shard_count = $4 AND primary_key_id = $5`;
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [planLockKey(column.schema)]);
    const { rows: exists } = await tx.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [
      table,
    ]);
    if (exists[0]?.present) {
      const { rows } = await tx.query<PlanRow>(select, key);
      if (rows[0]) return fromRow(rows[0]);
    } else {
      await tx.query(shardPlanDdl(column.schema));
      await tx.query(
        `COMMENT ON TABLE ${table} IS 'kek-rotate reencrypt --shard: the id boundaries the shards of a rotation share. Keep it until every shard has finished; drop it after.'`,
      );
    }
    const boundaries = await samplePlan(tx, column, shard.count);
    const { rows } = await tx.query<PlanRow>(
      `INSERT INTO ${table} (table_name, column_name, id_type, shard_count, primary_key_id, boundaries)
       VALUES ($1, $2, $3, $4, $5, $6::text[]) RETURNING boundaries, created_at, created_by`,
      [...key, boundaries],
    );
    return fromRow(rows[0]!);
  });
}

/** SQLSTATEs of a database that will not take the plan: read-only (a standby, a read-only
 * transaction) or a user without the right to create or write the table. */
function refusedWrite(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === '25006' || code === '42501' ? String(code) : undefined;
}

/**
 * The boundaries shard `shard` of `column` uses. One shard needs none. Live runs record the plan
 * (or read it); a dry run does too, and when the database will not take it (a standby, a
 * read-only user), it samples boundaries for itself alone and says so through `warn`.
 */
export async function resolveShardPlan(
  db: Db,
  column: ResolvedColumn,
  shard: ShardSpec,
  primaryKeyId: string,
  kind: RunKind,
  warn: (message: string) => void,
): Promise<ShardPlan> {
  if (shard.count === 1) return { boundaries: [], source: 'computed' };
  for (let attempt = 1; ; attempt++) {
    try {
      return await readOrRecord(db, column, shard, primaryKeyId);
    } catch (error) {
      // Lost mid-transaction (committed or not): reading again finds the plan if it was recorded.
      if (isConnectionLoss(error) && attempt < 5) continue;
      const refused = refusedWrite(error);
      if (refused === undefined) throw error;
      const why = safeText(String((error as Error).message ?? error));
      if (kind === 'dry-run') {
        warn(
          `${column.label}: cannot record the shard boundaries in ${column.schema}.${SHARD_PLAN_TABLE} (${why}); this dry run samples its own. ` +
            `Shards of a dry run started at different moments may then disagree at their edges while rows are inserted or deleted: run the dry run without --shard (it only reads) to be sure to see every row`,
        );
        return { boundaries: await samplePlan(db, column, shard.count), source: 'computed' };
      }
      throw new UserError(
        `${column.label}: shard ${shardLabel(shard)} cannot record or read the shard boundaries in ${column.schema}.${SHARD_PLAN_TABLE}: ${why}`,
        `Every shard of a rotation reads the same boundaries from that table. Create it once as a user allowed to (then grant SELECT, INSERT on it to this one): ${shardPlanDdl(column.schema)};`,
      );
    }
  }
}
