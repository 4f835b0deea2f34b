// `kek-rotate reencrypt` (and `reencrypt-secrets`): a drop-in for the application's tool, with the
// same flags, variables and summary lines, doing the work correctly (see README "Why not the reference").
import type { RotationMode } from '../../crypto/envelope.js';
import { failureTotal, leftBehindTotal, type RunSummary } from '../../engine/events.js';
import { runReencryption } from '../../engine/run-reencryption.js';
import { CancelledError, DatabaseError, IncompleteError } from '../../errors.js';
import { initialProgress, reduceProgress, type ProgressState } from '../../ui/reencrypt-progress-state.js';
import type { Command } from '../command.js';
import { CONNECTION_FLAGS, HELP, JSON_OUTPUT, TABLE } from '../common-flags.js';
import { asDatabaseError } from '../database-errors.js';
import { choiceFlag, positiveInteger, type FlagSpec } from '../flags.js';
import { makeOutput, type Output } from '../output.js';
import { chooseRendererKind, createRenderer } from '../renderers/renderer.js';
import { dryRunBreakdown, liveBreakdown, summaryLine, totals } from '../report-run.js';
import { chooseDatabase, connect, databaseRequired, loadEnv, loadRing, logKeyRing, prepareColumns } from '../setup.js';
import { BATCH_SIZE_FLAG, CONCURRENCY_FLAG, ENGINE_FLAGS, parseBatchSize, parseConcurrency, parseEngine } from '../engine-flags.js';
import { runExternal } from '../../effects/external-run.js';
import { proveConfiguredKeys } from '../prove-configured-keys.js';
import { UserError } from '../../errors.js';
import { WAIT_FLAG } from '../engine-flags.js';

const FLAGS: readonly FlagSpec[] = [
  { name: 'dry-run', short: 'n', type: 'boolean', description: 'Decrypt every value and report; write nothing' },
  BATCH_SIZE_FLAG,
  TABLE,
  { name: 'mode', type: 'string', valueName: 'MODE', description: 'reencrypt (fresh data key, default) or rewrap' },
  { name: 'max-rate', type: 'string', valueName: 'N', description: 'At most N rows per second (spare the database)' },
  CONCURRENCY_FLAG,
  WAIT_FLAG,
  ...ENGINE_FLAGS,
  JSON_OUTPUT,
  ...CONNECTION_FLAGS,
  HELP,
];

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

function report(summary: RunSummary, out: Output, json: boolean): void {
  const line = summaryLine(summary);
  if (json) {
    // stdout holds only JSON lines; the run-done event carries the whole summary.
    out.info(line);
    return;
  }
  for (const l of summary.kind === 'dry-run' ? dryRunBreakdown(summary) : liveBreakdown(summary)) out.data(l);
  out.data(line);
}

function outcome(summary: RunSummary): void {
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
      `${behind} row(s) are not on ${summary.primaryKeyId} at the end of the run${left > 0 ? ` (${left} failed during it)` : ''}`,
      [
        'Keep the old key configured.',
        ...(writtenMeanwhile
          ? [`Rows were written under an old key during the run: check that every replica of the application runs with ${summary.primaryKeyId} as its primary key.`]
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

export const reencryptCommand: Command = {
  name: 'reencrypt',
  summary: 'Re-encrypt every secret under the primary key (drop-in for reencrypt-secrets)',
  usage: 'kek-rotate reencrypt [options]',
  description: [
    'Moves every value of every registered column onto the primary key',
    '(SECRETS_ENCRYPTION_KEY), reading old values with SECRETS_ENCRYPTION_KEY_PREVIOUS.',
    'Loads ./.env. Same flags and summary line as the application\'s reencrypt-secrets.',
  ].join('\n'),
  flags: FLAGS,
  examples: ['kek-rotate reencrypt --dry-run', 'kek-rotate reencrypt --batch-size 500 --max-rate 2000'],
  async run({ flags }, ctx) {
    const json = flags.json === true;
    const out = makeOutput(ctx.io, { json, target: 'reencrypt_secrets' });
    const kind = flags['dry-run'] === true ? 'dry-run' : 'live';
    const batchSize = parseBatchSize(flags);
    const maxRate = positiveInteger(flags['max-rate'], '--max-rate', undefined);
    const mode = choiceFlag<RotationMode>(flags, 'mode', ['reencrypt', 'rewrap'], 'reencrypt');
    const concurrency = parseConcurrency(flags);
    const engine = parseEngine(flags);
    if (engine.type !== 'builtin' && (mode !== 'reencrypt' || maxRate !== undefined || concurrency !== undefined || flags.table !== undefined)) {
      throw new UserError(
        `--engine ${engine.type} runs the application's own tool, which has no --mode rewrap, --max-rate, --concurrency or --table`,
        'Drop those options, or use the built-in engine (the default).',
      );
    }

    const env = loadEnv(ctx.io, flags, out);
    const choice = chooseDatabase(env, flags);
    if (!choice) throw databaseRequired();
    const ring = loadRing(env, flags, out);
    logKeyRing(out, ring);
    if (engine.type !== 'builtin' && choice.databaseUrl === undefined) {
      throw new UserError(`--engine ${engine.type} needs --database-url URL (or DATABASE_URL)`, 'The application\'s tool connects to the database itself; an embedded --pglite database works with the built-in engine only.');
    }
    const db = await connect({ ...choice, applicationName: 'kek-rotate reencrypt' }, out);
    try {
      const { columns } = await prepareColumns(db, flags, out);
      await proveConfiguredKeys(db, columns, ring, out);
      const renderer = await createRenderer(
        chooseRendererKind({ json, stderrIsTTY: Boolean(ctx.io.stderr.isTTY), stderrColumns: ctx.io.stderr.columns, env: ctx.io.env }),
        out,
      );
      let state = initialProgress;
      let summary: RunSummary;
      try {
        const onEvent = (event: Parameters<typeof renderer.onEvent>[0]) => {
          state = reduceProgress(state, event);
          renderer.onEvent(event);
        };
        summary =
          engine.type === 'builtin'
            ? await runReencryption({
                // Absent, the engine picks its own default (2 workers on PostgreSQL, 1 on PGlite).
                ...(concurrency !== undefined ? { concurrency } : {}),
                db,
                ring,
                columns,
                kind,
                mode,
                batchSize,
                maxRate,
                signal: ctx.signal,
                onEvent,
                waitForLock: flags.wait === true,
              })
            : await runExternal(
                { db, databaseUrl: choice.databaseUrl!, engine, batchSize, entries: columns, columns },
                { kind, mode, signal: ctx.signal, onEvent },
                ring,
              );
      } catch (error) {
        await renderer.close();
        if (!ctx.signal.aborted) {
          const failure = asDatabaseError(error, kind === 'dry-run' ? 'dry run failed' : 're-encryption failed');
          // The database went away for good (or a statement failed): what was done so far, then exit 3.
          if (failure instanceof DatabaseError && state.tables.some((t) => t.counts)) report(partialSummary(state, kind, mode), out, json);
          throw failure;
        }
        summary = partialSummary(state, kind, mode);
      }
      await renderer.close();
      report(summary, out, json);
      outcome(summary);
    } finally {
      await db.close().catch(() => undefined);
    }
  },
};
