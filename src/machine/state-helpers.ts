// Small builders for the machine's state configs: the entry of a step, RETRY back to the step
// that failed, ABORT to the safe stop, journal lines for runs and deploys.
import type { RunbookContext, RunbookEvent, StepId } from './contract.js';
import { runCounts } from './journal-entry.js';
import { describeIds } from './deploy-check.js';

type Ctx = RunbookContext;

/** Entry of every step: time the phase (first entry) and journal that the step was reached. */
export function enter(step: StepId) {
  return [
    { type: 'stampPhase', params: { step } },
    { type: 'journal', params: { step, outcome: 'started' } },
  ] as const;
}

/** RETRY from a failed state: back to the step that failed (`failedStep`). */
export function retryTo(steps: StepId[]) {
  return steps.map((step) => ({
    target: `#runbook.${step}`,
    guard: ({ context }: { context: Ctx }) => context.failedStep === step,
  }));
}

export const ABORT_TO_STOP = { ABORT: { target: '#runbook.stopped.safe', actions: { type: 'journal' as const, params: { step: 'stopped.safe' as StepId, outcome: 'cancelled' as const } } } };

/** Journal line for a finished run, with its counts. */
export function runJournal(step: StepId) {
  return {
    type: 'journal' as const,
    params: ({ event }: { event: RunbookEvent }) => {
      const summary = event.type === 'RUN_DONE' ? event.summary : undefined;
      return {
        step,
        outcome: summary?.cancelled ? ('cancelled' as const) : summary && summary.failures.length > 0 ? ('failed' as const) : ('ok' as const),
        counts: summary ? runCounts(summary) : undefined,
      };
    },
  };
}

export function confirmed(step: StepId) {
  return { type: 'journal' as const, params: ({ context }: { context: Ctx }) => ({ step, outcome: 'confirmed' as const, message: `deployed ${describeIds(context.configured)}` }) };
}
