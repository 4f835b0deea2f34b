// The machine's vocabulary: its types, the named actors (one per effect), and the named actions
// and guards its states refer to. Pure apart from `journal` and the clock, which call the effects.
import { assign, setup, type ErrorActorEvent } from 'xstate';
import type { VerifyReport } from '../verify/verify-report.js';
import {
  deployConfigFor,
  phaseOf,
  toMachineError,
  type ColumnInventory,
  type DeployStage,
  type KeyConfigIds,
  type Effects,
  type RunbookContext,
  type RunbookEvent,
  type RunbookInput,
  type StepId,
} from './contract.js';
import { effectActors } from './actors.js';
import { addFailure, applyEngineEvent, emptyProgress } from './engine-progress.js';
import { journalEntriesFor, type JournalParams } from './journal-entry.js';
import { toolConfigMismatch } from './deploy-check.js';
import { machineGuards } from './machine-guards.js';
import { removalRefusals } from './removal-check.js';

type Ctx = RunbookContext;

/**
 * The error an invoked actor failed with. Its error event (`xstate.error.actor.<id>`) is not in
 * RunbookEvent, so it is recognised by its type, which XState defines, and only then read.
 */
function errorOf(event: { type: string }): unknown {
  return event.type.startsWith('xstate.error.actor.')
    ? (event as ErrorActorEvent).error
    : new Error(`unexpected event ${event.type} where an actor's error was expected`);
}

export function runbookSetup(effects: Effects) {
  return setup({
    types: {
      context: {} as Ctx,
      events: {} as RunbookEvent,
      input: {} as RunbookInput,
    },
    actors: effectActors(effects),
    actions: {
      journal: ({ context }, params: JournalParams) => {
        for (const entry of journalEntriesFor(context, params)) effects.appendJournal(entry);
      },
      stampPhase: assign(({ context }, params: { step: StepId }) => {
        const phase = phaseOf(params.step);
        return context.phaseStartedAt[phase] !== undefined
          ? {}
          : { phaseStartedAt: { ...context.phaseStartedAt, [phase]: effects.now() } };
      }),
      // Done events of invoked actors are not in RunbookEvent: their outputs come in as typed params,
      // read from `event.output` where the invoke is declared (XState types it by the actor there).
      storeError: assign(({ event }, params: { failedStep: StepId }) => ({
        error: event.type === 'RUN_FAILED' ? event.error : toMachineError(errorOf(event)),
        failedStep: params.failedStep,
      })),
      // An error is shown on the step it stopped; leaving that step (retry, load again) clears it.
      clearError: assign({ error: undefined }),
      deployDone: assign(({ context }, params: { stage: DeployStage; toolConfig: KeyConfigIds }) => ({
        configured: params.toolConfig,
        deployed: [...context.deployed, params.stage],
        error: undefined,
      })),
      deployMismatch: assign(
        ({ context }, params: { stage: DeployStage; failedStep: StepId; toolConfig: KeyConfigIds }) => ({
          configured: params.toolConfig,
          error: toolConfigMismatch(params.toolConfig, deployConfigFor(context, params.stage)),
          failedStep: params.failedStep,
        }),
      ),
      startRun: assign({ engine: () => emptyProgress(), failures: () => [] }),
      // Leaving a live pass (done, paused, stopped or quit): its rows count towards the session's
      // total, and the journal gets the counts of a pass that did not finish too.
      leaveLive: assign(({ context }) => ({ movedSoFar: context.movedSoFar + engineRotated(context) })),
      storeCounts: assign((_, params: { inventory: ColumnInventory[] }) => ({
        inventory: params.inventory,
        countsReadAt: effects.now(),
      })),
      engineUpdate: assign(({ context, event }) =>
        event.type === 'ENGINE_EVENT'
          ? {
              engine: applyEngineEvent(context.engine, event.event),
              failures: addFailure(context.failures, event.event),
            }
          : {},
      ),
      storeDeep: assign(({ context }, params: { report: VerifyReport }) => ({
        verifyDeep: params.report,
        refusals: removalRefusals({ ...context, verifyDeep: params.report }),
      })),
      // A resumed rotation keeps its journal id, so the report shows one rotation across sessions.
      adoptRotation: assign(({ context }) => {
        const journal = context.resumePoint;
        if (!journal || journal.finished || journal.newKeyId !== context.newKeyId) return {};
        // An emergency resumed after its rows moved cannot list them again: the journal kept them.
        return {
          rotationId: journal.rotationId,
          movedEarlier: journal.movedEarlier ?? 0,
          ...(journal.credentials ? { credentials: [...journal.credentials], credentialListing: 'done' as const } : {}),
        };
      }),
      storeSql: assign((_, params: { report: VerifyReport }) => ({ verifySql: params.report })),
    },
    guards: machineGuards,
  });
}

/** Rows the current (or last) pass has written, from its latest progress. */
export function engineRotated(context: Ctx): number {
  return context.engine.kind === 'live' ? context.engine.tables.reduce((n, t) => n + t.rotated, 0) : 0;
}

type RunbookMachineConfig = Parameters<ReturnType<typeof runbookSetup>['createMachine']>[0];
/** The config of one top-level state, for phases defined in their own file. */
export type RunbookStateConfig = NonNullable<RunbookMachineConfig['states']>[string];
