// `kek-rotate reencrypt` (and `reencrypt-secrets`): a drop-in for the application's tool, with the
// same flags, variables and summary lines, doing the work correctly (see README "Why not the reference").
import type { RotationMode } from '../../crypto/envelope.js';
import { failureTotal, leftBehindTotal, type RunSummary } from '../../engine/events.js';
import { runReencryption } from '../../engine/run-reencryption.js';
import { CancelledError, DatabaseError, IncompleteError } from '../../errors.js';
import { initialProgress, reduceProgress, type ProgressState } from '../../ui/reencrypt-progress-state.js';
import { defineCommand } from '../command.js';
import { CONNECTION_FLAGS, HELP, JSON_OUTPUT, TABLE } from '../common-flags.js';
import { asDatabaseError } from '../database-errors.js';
import type { FlagSpec } from '../flags.js';
import { makeOutput, type Output } from '../output.js';
import { chooseRendererKind, createRenderer } from '../renderers/renderer.js';
import { dryRunBreakdown, liveBreakdown, summaryLine, totals } from '../report-run.js';
import { chooseDatabase, connect, databaseRequired, loadEnv, loadRing, logKeyRing, prepareColumns } from '../setup.js';
import { TUNING_FLAGS, parseTuning } from '../tuning-flags.js';
import { runExternal } from '../../effects/external-run.js';
import { proveConfiguredKeys } from '../prove-configured-keys.js';
import { UserError } from '../../errors.js';
import { SHARD_FLAG, parseShard } from '../shard-flag.js';
import { describeRange, shardLabel, type ShardedRunSummary, type ShardSpec } from '../../engine/shard.js';
import { SHARD_PLAN_TABLE } from '../../engine/shard-plan.js';

const FLAGS = [
  { name: 'dry-run', short: 'n', type: 'boolean', description: 'Decrypt every value and report; write nothing' },
  TABLE,
  ...TUNING_FLAGS,
  SHARD_FLAG,
  JSON_OUTPUT,
  ...CONNECTION_FLAGS,
  HELP,
] as const satisfies readonly FlagSpec[];

/** The summary of a run the engine did not get to finish (it threw): rebuilt from the events seen. */
function partialSummary(state: ProgressState, kind: 'dry-run' | 'live', mode: RotationMode): RunSummary {
  return {
    kind,
    mode,
    primaryKeyId: state.primaryKeyId ?? '?',
    tables: state.tables.flatMap((t) => (t.counts ? [t.counts] : [])),
    failures: [...state.failures],
    cancelled: true,
    elapsedMs: 0,
  };
}

/** A shard run: which range of each column it covered, where the boundaries came from, and what its recount read. */
function shardLines(summary: ShardedRunSummary, shard: ShardSpec): { before: string[]; after: string[] } {
  const before: string[] = [];
  const after: string[] = [];
  for (const c of summary.shard?.columns ?? []) {
    const range = describeRange({ range: { after: c.after, upTo: c.upTo }, empty: c.empty });
    const source =
      c.plan === 'recorded'
        ? `boundaries recorded in ${SHARD_PLAN_TABLE}${c.recordedAt ? ` at ${c.recordedAt}` : ''}${c.recordedBy ? ` by ${JSON.stringify(c.recordedBy)}` : ''}`
        : c.plan === 'computed'
          ? 'boundaries sampled for this run only (not recorded)'
          : 'one shard: the whole column';
    before.push(`Shard ${shardLabel(shard)} of ${c.table}: ${range}; ${source}`);
    const recount = summary.leftBehind?.find((l) => l.table === c.table);
    if (recount) {
      after.push(
        `Recount of shard ${shardLabel(shard)}'s range of ${c.table}: ${recount.count} row(s) not on ${summary.primaryKeyId}` +
          (shard.count > 1
            ? ' (the other shards recount theirs; `kek-rotate verify --only-primary` checks the whole column once every shard has finished)'
            : ''),
      );
    }
  }
  return { before, after };
}

function report(summary: ShardedRunSummary, out: Output, json: boolean, shard: ShardSpec | undefined): void {
  // A shard's summary line says which shard: its counts are of its range only.
  const line = summaryLine(summary) + (shard ? ` (shard ${shardLabel(shard)})` : '');
  if (json) {
    // stdout holds only JSON lines; the run-done event carries the whole summary (and its shard).
    out.info(line);
    return;
  }
  const extra = shard ? shardLines(summary, shard) : { before: [], after: [] };
  for (const l of extra.before) out.data(l);
  for (const l of summary.kind === 'dry-run' ? dryRunBreakdown(summary) : liveBreakdown(summary)) out.data(l);
  for (const l of extra.after) out.data(l);
  out.data(line);
}

function outcome(summary: RunSummary, shard: ShardSpec | undefined): void {
  const where = shard ? ` in shard ${shardLabel(shard)}'s range` : '';
  const { rotated, processed } = totals(summary.tables);
  if (summary.cancelled) {
    throw new CancelledError(
      `stopped after ${processed} rows (${rotated} ${summary.kind === 'dry-run' ? 'to rotate' : 're-encrypted'}); ` +
        'every row is on its old key or the new one and decrypts',
    );
  }
  // Unreadable rows and rows it could not reach for locks: the engine records both as failures.
  const left = failureTotal(summary);
  // Rows off the primary by the recount that ends a live run (old-key writers included).
  const behind = leftBehindTotal(summary);
  if (left === 0 && behind === 0) return;
  if (summary.kind === 'dry-run') {
    throw new IncompleteError(
      `${left} row(s) cannot be decrypted with the configured keys; a live run would leave them as they are`,
      'Look at the rows listed above: restore them from a backup, or add the key they need with --keys-file, before the live run.',
    );
  }
  const writtenMeanwhile = (summary.leftBehind ?? []).some((l) => l.rows.some((r) => r.cause === 'written-during-run'));
  if (behind > 0) {
    throw new IncompleteError(
      `${behind} row(s)${where} are not on ${summary.primaryKeyId} at the end of the run${left > 0 ? ` (${left} failed during it)` : ''}`,
      [
        'Keep the old key configured.',
        ...(writtenMeanwhile
          ? [
              `Rows were written under an old key during the run: check that every replica of the application runs with ${summary.primaryKeyId} as its primary key.`,
            ]
          : []),
        'Fix the rows listed above (or wait for the locks to clear) and run the same command again: it only touches rows not yet on the primary key.',
      ].join(' '),
    );
  }
  throw new IncompleteError(
    `${left} row(s) were not re-encrypted or do not decrypt (listed above); they are left as they were`,
    'Keep the old key configured. Fix the rows listed above (or wait for the locks to clear) and run the same command again: it only touches rows not yet on the primary key.',
  );
}

export const reencryptCommand = defineCommand({
  name: 'reencrypt',
  summary: 'Re-encrypt every secret under the primary key (drop-in for reencrypt-secrets)',
  usage: 'kek-rotate reencrypt [options]',
  description: [
    'Moves every value of every registered column onto the primary key',
    '(SECRETS_ENCRYPTION_KEY), reading old values with SECRETS_ENCRYPTION_KEY_PREVIOUS.',
    "Loads ./.env. Same flags and summary line as the application's reencrypt-secrets.",
    '',
    'With --shard I/N, N processes share each column: the first one records the id',
    `boundaries in table ${SHARD_PLAN_TABLE} and every shard rotates its own range.`,
    'Instead of the flag: KEK_ROTATE_SHARD=I/N, or KEK_ROTATE_SHARD_COUNT=N with',
    "Kubernetes' JOB_COMPLETION_INDEX (docs/kubernetes-shards.md).",
  ].join('\n'),
  flags: FLAGS,
  examples: [
    'kek-rotate reencrypt --dry-run',
    'kek-rotate reencrypt --batch-size 500 --max-rate 2000',
    'kek-rotate reencrypt --shard 1/4 --wait',
  ],
  async run({ flags }, ctx) {
    const json = flags.json === true;
    const out = makeOutput(ctx.io, { json, target: 'reencrypt_secrets' });
    const kind = flags['dry-run'] === true ? 'dry-run' : 'live';
    const tuning = parseTuning(flags);
    const { mode, engine } = tuning;
    const sharding = parseShard(flags, ctx.io.env);
    const shard = sharding.shard;
    if (shard && engine.type !== 'builtin') {
      throw new UserError(
        `--shard (or KEK_ROTATE_SHARD) splits the work of the built-in engine; --engine ${engine.type} runs the application's own tool, which cannot take a part of a table`,
        "Drop --engine to use the built-in engine, or run the application's tool once, without --shard.",
      );
    }
    if (engine.type !== 'builtin' && flags.table !== undefined) {
      throw new UserError(
        `--engine ${engine.type} runs the application's own tool, which has no --table: it re-encrypts every column it knows`,
        'Drop --table, or use the built-in engine (the default).',
      );
    }

    const env = loadEnv(ctx.io, flags, out);
    for (const warning of sharding.warnings) out.warn(warning);
    const choice = chooseDatabase(env, flags);
    if (!choice) throw databaseRequired();
    if (shard && choice.pgliteDir !== undefined) {
      throw new UserError(
        '--shard splits a table across processes sharing one PostgreSQL server; an embedded --pglite database has a single connection',
        'Run without --shard on --pglite.',
      );
    }
    const ring = loadRing(env, flags, out);
    logKeyRing(out, ring);
    if (engine.type !== 'builtin' && choice.databaseUrl === undefined) {
      throw new UserError(
        `--engine ${engine.type} needs --database-url URL (or DATABASE_URL)`,
        "The application's tool connects to the database itself; an embedded --pglite database works with the built-in engine only.",
      );
    }
    // A shard's connections say which shard they are, in pg_stat_activity and in a refused run's message.
    const db = await connect(
      {
        ...choice,
        applicationName: shard ? `kek-rotate reencrypt --shard ${shardLabel(shard)}` : 'kek-rotate reencrypt',
      },
      out,
    );
    try {
      const { columns } = await prepareColumns(db, flags, out);
      await proveConfiguredKeys(db, columns, ring, out);
      const renderer = await createRenderer(
        chooseRendererKind({
          json,
          stderrIsTTY: Boolean(ctx.io.stderr.isTTY),
          stderrColumns: ctx.io.stderr.columns,
          env: ctx.io.env,
        }),
        out,
      );
      let state = initialProgress;
      let summary: ShardedRunSummary;
      try {
        const onEvent = (event: Parameters<typeof renderer.onEvent>[0]) => {
          state = reduceProgress(state, event);
          renderer.onEvent(event);
        };
        summary =
          engine.type === 'builtin'
            ? await runReencryption({
                // Absent, the engine picks its own default (2 workers on PostgreSQL, 1 on PGlite).
                ...(tuning.concurrency !== undefined ? { concurrency: tuning.concurrency } : {}),
                db,
                ring,
                columns,
                kind,
                mode,
                batchSize: tuning.batchSize,
                maxRate: tuning.maxRate,
                signal: ctx.signal,
                onEvent,
                waitForLock: tuning.waitForLock,
                ...(shard ? { shard } : {}),
              })
            : await runExternal(
                {
                  db,
                  databaseUrl: choice.databaseUrl!,
                  engine,
                  batchSize: tuning.batchSize,
                  entries: columns,
                  columns,
                },
                { kind, mode, signal: ctx.signal, onEvent },
                ring,
              );
      } catch (error) {
        await renderer.close();
        if (!ctx.signal.aborted) {
          const failure = asDatabaseError(error, kind === 'dry-run' ? 'dry run failed' : 're-encryption failed');
          // The database went away for good (or a statement failed): what was done so far, then exit 3.
          if (failure instanceof DatabaseError && state.tables.some((t) => t.counts))
            report(partialSummary(state, kind, mode), out, json, shard);
          throw failure;
        }
        summary = partialSummary(state, kind, mode);
      }
      await renderer.close();
      report(summary, out, json, shard);
      outcome(summary, shard);
    } finally {
      await db.close().catch(() => undefined);
    }
  },
});
