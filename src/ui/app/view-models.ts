// Turns the machine's context into the plain props the screens draw: progress for the
// re-encryption view, snippet configurations with key material, verification rows.
import type { Kek } from '../../crypto/key.js';
import type { KeyConfig } from '../../deploy/env-entries.js';
import { deployConfigFor, type DeployStage, type RunbookContext, type StepId } from '../../machine/contract.js';
import { formatPhaseDuration, phaseDurations } from '../../machine/phase-durations.js';
import type { RunSummary } from '../../engine/events.js';
import type { VerifyReport } from '../../verify/verify-report.js';
import type { VerifyColumn } from '../components/VerifyTable.js';
import type { ProgressState } from '../reencrypt-progress-state.js';

/** The run summary that belongs to a step, once that run has finished. */
function summaryFor(step: StepId, ctx: RunbookContext): RunSummary | undefined {
  if (step === 'reencrypt.dryRunReview') return ctx.dryRun;
  if (step === 'reencrypt.liveReview' || step === 'reencrypt.paused' || step === 'stopped.safe') return ctx.live;
  if (step === 'verify.secondDryRun') return undefined;
  return undefined;
}

/** ReencryptProgress's state from the context; failures are listed separately (FailureList). */
export function progressFor(step: StepId, ctx: RunbookContext): ProgressState {
  const summary = summaryFor(step, ctx);
  const tables = summary?.tables ?? ctx.engine.tables;
  const finished = summary !== undefined;
  return {
    kind: summary?.kind ?? ctx.engine.kind,
    mode: summary?.mode ?? (ctx.path === 'emergency' ? 'reencrypt' : undefined),
    primaryKeyId: summary?.primaryKeyId ?? ctx.newKeyId,
    tables: tables.map((counts) => ({
      table: counts.table,
      total: counts.total,
      counts,
      status: finished || (counts.total > 0 && counts.processed >= counts.total) ? 'done' : 'running',
    })),
    rowsPerSecond: ctx.engine.rowsPerSecond,
    etaSeconds: finished ? undefined : ctx.engine.etaSeconds,
    failures: [],
    failureCount: 0,
    warnings: ctx.engine.warnings.slice(-3),
    finished,
    cancelled: summary?.cancelled ?? false,
  };
}

export interface SnippetConfig {
  readonly config: KeyConfig;
  /** Key ids whose material kek-rotate does not hold: their snippets stay masked. */
  readonly missing: string[];
}

/** The key configuration a deploy stage asks for, with material from the context's secret keys. */
export function snippetConfigFor(ctx: RunbookContext, stage: DeployStage): SnippetConfig | undefined {
  const ids = deployConfigFor(ctx, stage);
  if (!ids) return undefined;
  const missing: string[] = [];
  const kek = (id: string): Kek => {
    const secret = ctx.secretKeys[id];
    if (secret) return secret.reveal();
    missing.push(id);
    // Only the id is ever drawn for a missing key: masked snippets never read `bytes`.
    return { id, bytes: Buffer.alloc(0) };
  };
  const primary = kek(ids.primaryKeyId);
  const previous = ids.previousKeyId ? kek(ids.previousKeyId) : undefined;
  return { config: { primary, previous }, missing };
}

/** Verification rows: the SQL report's counts, with the deep check's result for the same column. */
export function verifyColumnsFor(
  sql: VerifyReport | undefined,
  deep: VerifyReport | undefined,
): VerifyColumn[] | undefined {
  if (!sql) return undefined;
  return sql.columns.map((column) => {
    const deepResult = deep?.columns.find((c) => c.label === column.label)?.deep ?? column.deep;
    return {
      label: column.label,
      sql: column.sql,
      total: column.total,
      nulls: column.nulls,
      invalid: column.invalid,
      byKeyId: column.byKeyId,
      deep: deepResult ? { checked: deepResult.checked, failed: deepResult.failed } : undefined,
    };
  });
}

/** "preflight 0:12 · generate 1:05 · …": time from each phase's start to the next one's, in order. */
export function phaseTimes(startedAt: Partial<Record<string, number>>, endAt?: number): string | undefined {
  const phases = phaseDurations(startedAt, endAt);
  return phases.length === 0 ? undefined : phases.map((p) => `${p.phase} ${formatPhaseDuration(p.ms)}`).join(' · ');
}
