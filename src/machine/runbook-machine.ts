// The rotation runbook as an XState v5 machine: phases 0-5, the stop, the rollback after removal
// and the emergency path. Effects are named actors (see actors.ts); no Ink/React here.
import { passCounts } from './journal-entry.js';
import { LIVE_PASS_ENDED } from '../journal/live-pass-note.js';
import { keyFileNote } from '../journal/key-file-note.js';
import { assign } from 'xstate';
import { rowsByKeyId, type Effects } from './contract.js';
import { missingEffects } from './actors.js';
import { initialContext } from './initial-context.js';
import { runbookSetup } from './machine-setup.js';
import { emergencyStates } from './emergency-states.js';
import { preflightStates } from './preflight-states.js';
import { verifyStates } from './verify-states.js';
import { ABORT_TO_STOP, applyDeployState, enter, retryTo, runJournal } from './state-helpers.js';

export function createRunbookMachine(effects: Effects) {
  return runbookSetup(effects).createMachine({
    id: 'runbook',
    context: ({ input }) => initialContext(input),
    initial: 'preflight',
    // Quitting is always allowed: leaving a state aborts its work (the batch in flight finishes), and every phase can be re-run.
    on: { QUIT: { target: '.quit', actions: { type: 'journal', params: { step: 'quit', outcome: 'cancelled' } } } },
    states: {
      preflight: preflightStates,

      generate: {
        initial: 'creating',
        states: {
          creating: {
            entry: enter('generate.creating'),
            invoke: {
              src: 'generateKey',
              input: ({ context }) => ({
                currentPrimaryId: context.configured!.primaryKeyId,
                idsInDatabase: Object.keys(rowsByKeyId(context.inventory)),
              }),
              onDone: {
                target: 'show',
                actions: [
                  assign(({ context, event }) => ({
                    newKeyId: event.output.id,
                    oldKeyId: context.configured!.primaryKeyId,
                    secretKeys: { ...context.secretKeys, [event.output.id]: event.output },
                  })),
                  { type: 'journal', params: { step: 'generate.creating', outcome: 'ok' } },
                ],
              },
              onError: {
                target: 'failed',
                actions: { type: 'storeError', params: { failedStep: 'generate.creating' } },
              },
            },
          },
          show: {
            entry: enter('generate.show'),
            on: {
              REVEAL_KEY: { actions: assign({ keyRevealed: true, keyShown: true }) },
              HIDE_KEY: { actions: assign({ keyRevealed: false }) },
              WRITE_KEY_FILE: 'writingFile',
              CONFIRM: {
                guard: 'keySaved',
                target: '#runbook.deploy',
                actions: [
                  assign({ keyRevealed: false }),
                  {
                    type: 'journal',
                    params: {
                      step: 'generate.show',
                      outcome: 'confirmed',
                      message: 'new key stored in the secrets manager',
                    },
                  },
                ],
              },
            },
          },
          writingFile: {
            entry: enter('generate.writingFile'),
            invoke: {
              src: 'writeKeyFile',
              input: ({ context, event }) => ({
                path: (event as { path: string }).path,
                key: context.secretKeys[context.newKeyId!]!,
              }),
              onDone: {
                target: 'show',
                actions: [
                  assign({ keyFile: ({ event }) => event.output }),
                  // The path (never the key): a later session can say where the new key went.
                  {
                    type: 'journal',
                    params: ({ event }) => ({
                      step: 'generate.writingFile' as const,
                      outcome: 'ok' as const,
                      message: keyFileNote(event.output),
                    }),
                  },
                ],
              },
              onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'generate.show' } } },
            },
          },
          failed: { entry: enter('generate.failed'), on: { RETRY: retryTo(['generate.creating', 'generate.show']) } },
        },
      },

      deploy: {
        initial: 'choose',
        on: ABORT_TO_STOP,
        states: {
          choose: {
            entry: enter('deploy.choose'),
            on: {
              CHOOSE_DEPLOY: [
                {
                  guard: ({ event }) => event.plan === 'staged',
                  target: 'stageA',
                  actions: assign({ deployPlan: 'staged' as const }),
                },
                { target: 'both', actions: assign({ deployPlan: 'runbook' as const }) },
              ],
            },
          },
          both: { entry: enter('deploy.both'), on: { CONFIRM: 'applyingBoth', CANCEL: 'choose' } },
          applyingBoth: applyDeployState({
            step: 'deploy.applyingBoth',
            stage: 'both',
            next: '#runbook.reencrypt',
            confirmStep: 'deploy.both',
          }),
          stageA: { entry: enter('deploy.stageA'), on: { CONFIRM: 'applyingA', CANCEL: 'choose' } },
          applyingA: applyDeployState({
            step: 'deploy.applyingA',
            stage: '2a',
            next: 'stageB',
            confirmStep: 'deploy.stageA',
          }),
          stageB: { entry: enter('deploy.stageB'), on: { CONFIRM: 'applyingB' } },
          applyingB: applyDeployState({
            step: 'deploy.applyingB',
            stage: '2b',
            next: '#runbook.reencrypt',
            confirmStep: 'deploy.stageB',
          }),
          failed: {
            entry: enter('deploy.failed'),
            on: { RETRY: retryTo(['deploy.both', 'deploy.stageA', 'deploy.stageB']) },
          },
        },
      },

      reencrypt: {
        initial: 'dryRun',
        on: ABORT_TO_STOP,
        states: {
          dryRun: {
            entry: [...enter('reencrypt.dryRun'), 'startRun'],
            invoke: {
              src: 'runReencryption',
              input: ({ context }) => ({ kind: 'dry-run' as const, mode: context.mode }),
            },
            on: {
              ENGINE_EVENT: { actions: 'engineUpdate' },
              RUN_DONE: {
                target: 'dryRunReview',
                actions: [
                  assign({ dryRun: ({ event }) => event.summary, failures: ({ event }) => event.summary.failures }),
                  runJournal('reencrypt.dryRun'),
                ],
              },
              RUN_FAILED: {
                target: 'failed',
                actions: { type: 'storeError', params: { failedStep: 'reencrypt.dryRun' } },
              },
            },
          },
          // Back to the deploy snippet is harmless: a dry run writes nothing, and confirming the deploy
          // again re-checks the tool's keys and runs the dry run again (a replica fixed meanwhile).
          dryRunReview: {
            entry: enter('reencrypt.dryRunReview'),
            on: { CONFIRM: 'live', CANCEL: '#runbook.deploy.both' },
          },
          live: {
            entry: [...enter('reencrypt.live'), 'startRun'],
            exit: [
              'leaveLive',
              {
                type: 'journal',
                params: ({ context }) => ({
                  step: 'reencrypt.live' as const,
                  outcome: 'info' as const,
                  message: LIVE_PASS_ENDED,
                  counts: passCounts(context),
                }),
              },
            ],
            invoke: { src: 'runReencryption', input: ({ context }) => ({ kind: 'live' as const, mode: context.mode }) },
            on: {
              ENGINE_EVENT: { actions: 'engineUpdate' },
              PAUSE: {
                target: 'paused',
                actions: {
                  type: 'journal',
                  params: { step: 'reencrypt.live', outcome: 'info', message: 'paused by the operator' },
                },
              },
              RUN_DONE: {
                target: 'liveReview',
                actions: [
                  assign({ live: ({ event }) => event.summary, failures: ({ event }) => event.summary.failures }),
                  runJournal('reencrypt.live'),
                ],
              },
              RUN_FAILED: {
                target: 'failed',
                actions: { type: 'storeError', params: { failedStep: 'reencrypt.live' } },
              },
            },
          },
          // Leaving `live` aborted the run; resuming starts it again, which is safe: rows already moved are skipped.
          paused: {
            entry: [
              ...enter('reencrypt.paused'),
              assign({ engine: ({ context }) => ({ ...context.engine, paused: true }) }),
            ],
            on: { RESUME: 'live' },
          },
          liveReview: { entry: enter('reencrypt.liveReview'), on: { CONFIRM: '#runbook.verify', RETRY: 'live' } },
          failed: { entry: enter('reencrypt.failed'), on: { RETRY: retryTo(['reencrypt.dryRun', 'reencrypt.live']) } },
        },
      },

      verify: verifyStates,

      remove: {
        initial: 'confirmDeploy',
        states: {
          confirmDeploy: {
            entry: enter('remove.confirmDeploy'),
            on: { CONFIRM: { guard: 'removalAllowed', target: 'applying' } },
          },
          applying: applyDeployState({
            step: 'remove.applying',
            stage: 'remove',
            next: 'checking',
            confirmStep: 'remove.confirmDeploy',
          }),
          checking: {
            entry: enter('remove.checking'),
            invoke: {
              src: 'verify',
              input: { check: 'sql' },
              onDone: [
                {
                  guard: { type: 'allOnNewKey', params: ({ event }) => ({ report: event.output }) },
                  target: '#runbook.done',
                  actions: { type: 'storeSql', params: ({ event }) => ({ report: event.output }) },
                },
                {
                  target: 'notMigrated',
                  actions: { type: 'storeSql', params: ({ event }) => ({ report: event.output }) },
                },
              ],
              onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'remove.applying' } } },
            },
          },
          notMigrated: {
            entry: [
              ...enter('remove.notMigrated'),
              {
                type: 'journal',
                params: { step: 'remove.notMigrated', outcome: 'failed', message: 'rows left on a removed key' },
              },
            ],
            on: { START_ROLLBACK: { target: '#runbook.rollback', actions: assign({ path: 'rollback' as const }) } },
          },
          failed: {
            entry: enter('remove.failed'),
            on: { RETRY: retryTo(['remove.confirmDeploy', 'remove.applying']) },
          },
        },
      },

      stopped: {
        initial: 'safe',
        states: {
          safe: {
            entry: [...enter('stopped.safe'), assign({ countsReadAt: undefined })],
            exit: 'clearError',
            // The counts on screen are read now, not the ones from before the run.
            invoke: {
              src: 'readCounts',
              onDone: { actions: { type: 'storeCounts', params: ({ event }) => ({ inventory: event.output }) } },
              onError: { actions: { type: 'storeError', params: { failedStep: 'stopped.safe' } } },
            },
            on: {
              RESUME: [
                { guard: 'isEmergency', target: '#runbook.emergency.reencrypting' },
                { guard: 'bothDeployed', target: '#runbook.reencrypt' },
                { guard: 'stageADeployed', target: '#runbook.deploy.stageB' },
                { guard: 'hasNewKey', target: '#runbook.deploy' },
                { target: '#runbook.preflight' },
              ],
            },
          },
        },
      },

      rollback: {
        initial: 'readdOld',
        states: {
          readdOld: { entry: enter('rollback.readdOld'), on: { CONFIRM: 'applying' } },
          applying: applyDeployState({
            step: 'rollback.applying',
            stage: 'rollback',
            next: '#runbook.reencrypt',
            confirmStep: 'rollback.readdOld',
          }),
          failed: { entry: enter('rollback.failed'), on: { RETRY: retryTo(['rollback.readdOld']) } },
        },
      },

      emergency: emergencyStates,

      done: {
        initial: 'summary',
        states: {
          summary: {
            entry: [
              ...enter('done.summary'),
              { type: 'journal', params: { step: 'done.summary', outcome: 'ok', message: 'rotation finished' } },
            ],
            on: { START_ROLLBACK: { target: '#runbook.rollback', actions: assign({ path: 'rollback' as const }) } },
          },
        },
      },

      quit: { type: 'final' },
    },
  });
}

/** The machine with effects that fail loudly: for inspection (graph, tests) and `machine.provide()`. */
export const runbookMachine = createRunbookMachine(missingEffects());
export type RunbookMachine = typeof runbookMachine;
