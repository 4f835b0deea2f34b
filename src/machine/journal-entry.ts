// What the machine writes to the journal for a step: built from the context's ids and counts only,
// so key material cannot get in by construction (the writer's sanitizer checks again).
import {
  MAX_JOURNALED_CREDENTIALS,
  type CredentialRef,
  type JournalEntryInput,
  type JournalOutcome,
} from '../journal/entry.js';
import { failureTotal, type RunSummary } from '../engine/events.js';
import { phaseOf, rowsByKeyId, type RunbookContext, type StepId } from './contract.js';
import type { BackgroundTask } from './steps.js';

export interface JournalParams {
  step: StepId | BackgroundTask;
  outcome: JournalOutcome;
  message?: string | undefined;
  counts?: Record<string, number> | undefined;
  credentials?: CredentialRef[] | undefined;
}

export function journalEntryFor(context: RunbookContext, params: JournalParams): JournalEntryInput {
  return {
    rotationId: context.rotationId,
    path: context.path,
    phase: phaseOf(params.step),
    step: params.step,
    outcome: params.outcome,
    keys: {
      primary: context.configured?.primaryKeyId,
      previous: context.configured?.previousKeyId,
      new: context.newKeyId,
      old: context.oldKeyId,
    },
    counts: params.counts,
    message: params.message,
    ...(params.credentials ? { credentials: params.credentials } : {}),
  };
}

/**
 * The lines for a step: one, or for a list of credentials longer than a line may hold, one line per
 * MAX_JOURNALED_CREDENTIALS of them (the first with the counts and message): a resumed emergency
 * reads them all back.
 */
export function journalEntriesFor(context: RunbookContext, params: JournalParams): JournalEntryInput[] {
  const list = params.credentials;
  if (!list || list.length <= MAX_JOURNALED_CREDENTIALS) return [journalEntryFor(context, params)];
  const out: JournalEntryInput[] = [];
  for (let start = 0; start < list.length; start += MAX_JOURNALED_CREDENTIALS) {
    const chunk = list.slice(start, start + MAX_JOURNALED_CREDENTIALS);
    out.push(
      journalEntryFor(
        context,
        start === 0
          ? { ...params, credentials: chunk }
          : { step: params.step, outcome: params.outcome, credentials: chunk },
      ),
    );
  }
  return out;
}

/** Totals of a run, for the journal: rotated, failed, already on the primary, NULLs, processed. */
export function runCounts(summary: RunSummary): Record<string, number> {
  const sum = (pick: (t: RunSummary['tables'][number]) => number) => summary.tables.reduce((n, t) => n + pick(t), 0);
  return {
    processed: sum((t) => t.processed),
    rotated: sum((t) => t.rotated),
    alreadyPrimary: sum((t) => t.alreadyPrimary),
    nulls: sum((t) => t.nulls),
    failed: failureTotal(summary),
    skippedLocked: sum((t) => t.skippedLocked),
  };
}

/** The latest counts of the live pass in progress (or just ended), for the journal. */
export function passCounts(context: RunbookContext): Record<string, number> {
  const sum = (pick: (t: RunbookContext['engine']['tables'][number]) => number) =>
    context.engine.tables.reduce((n, t) => n + pick(t), 0);
  return {
    processed: sum((t) => t.processed),
    rotated: sum((t) => t.rotated),
    failed: sum((t) => t.failed),
    remaining: Math.max(0, sum((t) => t.total) - sum((t) => t.processed)),
  };
}

/** Rows per key id (plus invalid), for the journal line of an inventory. */
export function inventoryCounts(context: RunbookContext): Record<string, number> {
  const counts = rowsByKeyId(context.inventory);
  counts['invalid'] = context.inventory.reduce((n, c) => n + c.invalid, 0);
  counts['nulls'] = context.inventory.reduce((n, c) => n + c.nulls, 0);
  return counts;
}
