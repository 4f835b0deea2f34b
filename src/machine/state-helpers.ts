// Small builders for the machine's state configs: the entry of a step, RETRY back to the step
// that failed, ABORT to the safe stop, journal lines for runs and deploys.
import type { DeployResult, DeployStage, RunbookContext, RunbookEvent, StepId } from './contract.js';
import { runCounts } from './journal-entry.js';
import { deployRequest, describeIds } from './deploy-check.js';

type Ctx = RunbookContext;

/** Entry of every step: time the phase (first entry) and journal that the step was reached. */
export function enter(step: StepId) {
  return [
    { type: 'stampPhase', params: { step } },
    { type: 'journal', params: { step, outcome: 'started' } },
  ] as const;
}

/** RETRY from a failed state: back to the step that failed (`failedStep`), its error cleared (it was shown here). */
export function retryTo(steps: StepId[]) {
  return steps.map((step) => ({
    target: `#runbook.${step}`,
    guard: ({ context }: { context: Ctx }) => context.failedStep === step,
    actions: 'clearError' as const,
  }));
}

export const ABORT_TO_STOP = {
  ABORT: {
    target: '#runbook.stopped.safe',
    actions: { type: 'journal' as const, params: { step: 'stopped.safe' as StepId, outcome: 'cancelled' as const } },
  },
};

/** Journal line for a finished run, with its counts. */
export function runJournal(step: StepId) {
  return {
    type: 'journal' as const,
    params: ({ event }: { event: RunbookEvent }) => {
      const summary = event.type === 'RUN_DONE' ? event.summary : undefined;
      return {
        step,
        outcome: summary?.cancelled
          ? ('cancelled' as const)
          : summary && summary.failures.length > 0
            ? ('failed' as const)
            : ('ok' as const),
        counts: summary ? runCounts(summary) : undefined,
      };
    },
  };
}

export function confirmed(step: StepId) {
  return {
    type: 'journal' as const,
    params: ({ context }: { context: Ctx }) => ({
      step,
      outcome: 'confirmed' as const,
      message: `deployed ${describeIds(context.configured)}`,
    }),
  };
}

/** The done event of the applyDeploy actor, as the builder below reads it. */
type DeployDone = { event: { output: DeployResult } };

/**
 * A step that applies a deploy the operator confirmed: the effect returns the configuration the tool
 * now uses; if it is the one the stage asked for, go on to `next`, else fail back to `confirmStep`
 * (the step that showed the snippet) with the mismatch, as for any error of the effect.
 */
export function applyDeployState(o: { step: StepId; stage: DeployStage; next: string; confirmStep: StepId }) {
  return {
    entry: enter(o.step),
    invoke: {
      src: 'applyDeploy' as const,
      input: ({ context }: { context: Ctx }) => deployRequest(context, o.stage),
      onDone: [
        {
          guard: {
            type: 'deployMatches' as const,
            params: ({ event }: DeployDone) => ({ stage: o.stage, toolConfig: event.output.toolConfig }),
          },
          target: o.next,
          actions: [
            {
              type: 'deployDone' as const,
              params: ({ event }: DeployDone) => ({ stage: o.stage, toolConfig: event.output.toolConfig }),
            },
            confirmed(o.step),
          ],
        },
        {
          target: 'failed',
          actions: {
            type: 'deployMismatch' as const,
            params: ({ event }: DeployDone) => ({
              stage: o.stage,
              failedStep: o.confirmStep,
              toolConfig: event.output.toolConfig,
            }),
          },
        },
      ],
      onError: { target: 'failed', actions: { type: 'storeError' as const, params: { failedStep: o.confirmStep } } },
    },
  };
}
