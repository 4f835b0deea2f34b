// The rotation runbook as an XState v5 machine: phases 0-5, the stop, the rollback after removal
// and the emergency path. Effects are named actors (see actors.ts); no Ink/React here.
import { assign, setup } from 'xstate';
import type { VerifyReport } from '../verify/verify-report.js';
import {
  deployConfigFor,
  phaseOf,
  rowsByKeyId,
  toMachineError,
  type DeployResult,
  type DeployStage,
  type Effects,
  type RunbookContext,
  type RunbookEvent,
  type RunbookInput,
  type StepId,
} from './contract.js';
import { effectActors, missingEffects } from './actors.js';
import { initialContext } from './initial-context.js';
import { analysePreflight } from './preflight-analysis.js';
import { removalRefusals } from './removal-check.js';
import { addFailure, applyEngineEvent, emptyProgress } from './engine-progress.js';
import { inventoryCounts, journalEntryFor, runCounts, type JournalParams } from './journal-entry.js';
import { deployRequest, describeIds, sameConfig, toolConfigMismatch } from './deploy-check.js';

type Ctx = RunbookContext;

/** Entry of every step: time the phase (first entry) and journal that the step was reached. */
function enter(step: StepId) {
  return [
    { type: 'stampPhase', params: { step } },
    { type: 'journal', params: { step, outcome: 'started' } },
  ] as const;
}

/** RETRY from a failed state: back to the step that failed (`failedStep`). */
function retryTo(steps: StepId[]) {
  return steps.map((step) => ({
    target: `#runbook.${step}`,
    guard: ({ context }: { context: Ctx }) => context.failedStep === step,
  }));
}

const ABORT_TO_STOP = { ABORT: { target: '#runbook.stopped.safe', actions: { type: 'journal' as const, params: { step: 'stopped.safe' as StepId, outcome: 'cancelled' as const } } } };

export function createRunbookMachine(effects: Effects) {
  return setup({
    types: {
      context: {} as Ctx,
      events: {} as RunbookEvent,
      input: {} as RunbookInput,
    },
    actors: effectActors(effects),
    actions: {
      journal: ({ context }, params: JournalParams) => effects.appendJournal(journalEntryFor(context, params)),
      stampPhase: assign(({ context }, params: { step: StepId }) => {
        const phase = phaseOf(params.step);
        return context.phaseStartedAt[phase] !== undefined ? {} : { phaseStartedAt: { ...context.phaseStartedAt, [phase]: effects.now() } };
      }),
      // Done/error events of invoked actors are not in RunbookEvent: these named actions read them by shape.
      storeError: assign(({ event }, params: { failedStep: StepId }) => ({
        error: event.type === 'RUN_FAILED' ? event.error : toMachineError((event as { error?: unknown }).error),
        failedStep: params.failedStep,
      })),
      deployDone: assign(({ context, event }, params: { stage: DeployStage }) => ({
        configured: deployOutput(event).toolConfig,
        deployed: [...context.deployed, params.stage],
        error: undefined,
      })),
      deployMismatch: assign(({ context, event }, params: { stage: DeployStage; failedStep: StepId }) => ({
        configured: deployOutput(event).toolConfig,
        error: toolConfigMismatch(deployOutput(event).toolConfig, deployConfigFor(context, params.stage)),
        failedStep: params.failedStep,
      })),
      startRun: assign({ engine: () => emptyProgress(), failures: () => [] }),
      engineUpdate: assign(({ context, event }) =>
        event.type === 'ENGINE_EVENT' ? { engine: applyEngineEvent(context.engine, event.event), failures: addFailure(context.failures, event.event) } : {},
      ),
      storeDeep: assign(({ context, event }) => {
        const verifyDeep = outputOf<VerifyReport>(event);
        return { verifyDeep, refusals: removalRefusals({ ...context, verifyDeep }) };
      }),
      storeSql: assign({ verifySql: ({ event }) => outputOf<VerifyReport>(event) }),
    },
    guards: {
      hasStray: ({ context }) => context.stray.length > 0,
      emergencyCanStart: ({ context }) => context.emergencyRequested && context.configured?.previousKeyId === undefined,
      hasResumeTarget: ({ context }) => context.resumeTarget !== undefined,
      canStartFresh: ({ context }) => context.configured?.previousKeyId === undefined,
      canRollbackStray: ({ context }) => context.stray.length === 1 && context.configured?.previousKeyId === undefined,
      keySaved: ({ context }) => context.keyShown || context.keyFile !== undefined,
      removalAllowed: ({ context }) => context.refusals.length === 0 && context.verifyDeep !== undefined,
      isEmergency: ({ context }) => context.path === 'emergency',
      resumeAt: ({ context }, params: { target: Ctx['resumeTarget'] }) => context.resumeTarget === params.target,
      emergencyResumeAt: ({ context }, params: { target: Ctx['resumeTarget'] }) => context.path === 'emergency' && context.resumeTarget === params.target,
      bothDeployed: ({ context }) => sameConfig(context.configured, deployConfigFor(context, 'both')),
      stageADeployed: ({ context }) => sameConfig(context.configured, deployConfigFor(context, '2a')),
      hasNewKey: ({ context }) => context.newKeyId !== undefined,
      deployMatches: ({ context, event }, params: { stage: DeployStage }) => sameConfig(deployOutput(event).toolConfig, deployConfigFor(context, params.stage)),
      verifyClean: ({ context, event }) => removalRefusals({ ...context, verifyDeep: outputOf<VerifyReport>(event) }).length === 0,
      allOnNewKey: ({ context, event }) => notMigrated(context.newKeyId, outputOf<VerifyReport>(event)) === 0,
    },
  }).createMachine({
    id: 'runbook',
    context: ({ input }) => initialContext(input),
    initial: 'preflight',
    // Quitting is always allowed: leaving a state aborts its work (the batch in flight finishes), and every phase can be re-run.
    on: { QUIT: { target: '.quit', actions: { type: 'journal', params: { step: 'quit', outcome: 'cancelled' } } } },
    states: {
      preflight: {
        initial: 'loading',
        states: {
          loading: {
            entry: enter('preflight.loading'),
            invoke: {
              src: 'loadInventory',
              onDone: {
                target: 'readingJournal',
                actions: [
                  assign(({ context, event }) => ({
                    configured: event.output.configured,
                    inventory: event.output.columns,
                    warnings: event.output.warnings,
                    secretKeys: { ...context.secretKeys, ...Object.fromEntries(event.output.keys.map((k) => [k.id, k])) },
                    error: undefined,
                  })),
                  { type: 'journal', params: ({ context }) => ({ step: 'preflight.loading', outcome: 'ok', counts: inventoryCounts(context) }) },
                ],
              },
              onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'preflight.loading' } } },
            },
          },
          readingJournal: {
            entry: enter('preflight.readingJournal'),
            invoke: {
              src: 'readResumePoint',
              onDone: {
                target: 'route',
                actions: assign(({ context, event }) => {
                  const analysis = analysePreflight(context.configured!, context.inventory, event.output);
                  return {
                    resumePoint: event.output,
                    stray: analysis.stray,
                    resumeTarget: analysis.resumeTarget,
                    newKeyId: analysis.newKeyId,
                    oldKeyId: analysis.oldKeyId,
                    path: context.path ?? (analysis.resumeTarget && event.output && !event.output.finished ? event.output.path : undefined),
                  };
                }),
              },
              onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'preflight.loading' } } },
            },
          },
          // Not a step: decides where preflight rests.
          route: {
            always: [
              { guard: 'hasStray', target: 'blocked' },
              { guard: 'emergencyCanStart', target: '#runbook.emergency' },
              { guard: 'hasResumeTarget', target: 'resumeOffer' },
              { target: 'ready' },
            ],
          },
          failed: { entry: enter('preflight.failed'), on: { RETRY: 'loading' } },
          blocked: {
            entry: [...enter('preflight.blocked'), { type: 'journal', params: { step: 'preflight.blocked', outcome: 'refused' } }],
            on: {
              RETRY: 'loading',
              START_ROLLBACK: {
                guard: 'canRollbackStray',
                target: '#runbook.rollback',
                actions: assign(({ context }) => ({ path: 'rollback' as const, newKeyId: context.configured?.primaryKeyId, oldKeyId: context.stray[0]?.keyId })),
              },
            },
          },
          resumeOffer: {
            entry: enter('preflight.resumeOffer'),
            on: {
              RESUME_FROM_JOURNAL: [
                { guard: { type: 'resumeAt', params: { target: 'deploy' } }, target: '#runbook.deploy' },
                { guard: { type: 'resumeAt', params: { target: 'deploy-2b' } }, target: '#runbook.deploy.stageB', actions: assign({ deployPlan: 'staged' }) },
                { guard: { type: 'emergencyResumeAt', params: { target: 'reencrypt' } }, target: '#runbook.emergency.reencrypting' },
                { guard: { type: 'resumeAt', params: { target: 'reencrypt' } }, target: '#runbook.reencrypt' },
                { guard: { type: 'emergencyResumeAt', params: { target: 'verify' } }, target: '#runbook.emergency.counting' },
                { guard: { type: 'resumeAt', params: { target: 'verify' } }, target: '#runbook.verify' },
              ],
              START_FRESH: {
                guard: 'canStartFresh',
                target: 'ready',
                actions: assign({ resumeTarget: undefined, newKeyId: undefined, oldKeyId: undefined, path: undefined }),
              },
            },
          },
          ready: {
            entry: enter('preflight.ready'),
            on: {
              CHOOSE_PATH: [
                { guard: ({ event }) => event.path === 'emergency', target: '#runbook.emergency', actions: assign({ path: 'emergency' as const }) },
                { target: '#runbook.generate', actions: assign({ path: 'rotate' as const }) },
              ],
            },
          },
        },
      },

      generate: {
        initial: 'creating',
        states: {
          creating: {
            entry: enter('generate.creating'),
            invoke: {
              src: 'generateKey',
              input: ({ context }) => ({ currentPrimaryId: context.configured!.primaryKeyId, idsInDatabase: Object.keys(rowsByKeyId(context.inventory)) }),
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
              onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'generate.creating' } } },
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
                actions: [assign({ keyRevealed: false }), { type: 'journal', params: { step: 'generate.show', outcome: 'confirmed', message: 'new key stored in the secrets manager' } }],
              },
            },
          },
          writingFile: {
            entry: enter('generate.writingFile'),
            invoke: {
              src: 'writeKeyFile',
              input: ({ context, event }) => ({ path: (event as { path: string }).path, key: context.secretKeys[context.newKeyId!]! }),
              onDone: { target: 'show', actions: [assign({ keyFile: ({ event }) => event.output }), { type: 'journal', params: { step: 'generate.writingFile', outcome: 'ok' } }] },
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
                { guard: ({ event }) => event.plan === 'staged', target: 'stageA', actions: assign({ deployPlan: 'staged' as const }) },
                { target: 'both', actions: assign({ deployPlan: 'runbook' as const }) },
              ],
            },
          },
          both: { entry: enter('deploy.both'), on: { CONFIRM: 'applyingBoth', CANCEL: 'choose' } },
          applyingBoth: {
            entry: enter('deploy.applyingBoth'),
            invoke: {
              src: 'applyDeploy',
              input: ({ context }) => deployRequest(context, 'both'),
              onDone: [
                { guard: { type: 'deployMatches', params: { stage: 'both' } }, target: '#runbook.reencrypt', actions: [{ type: 'deployDone', params: { stage: 'both' } }, confirmed('deploy.applyingBoth')] },
                { target: 'failed', actions: { type: 'deployMismatch', params: { stage: 'both', failedStep: 'deploy.both' } } },
              ],
              onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'deploy.both' } } },
            },
          },
          stageA: { entry: enter('deploy.stageA'), on: { CONFIRM: 'applyingA', CANCEL: 'choose' } },
          applyingA: {
            entry: enter('deploy.applyingA'),
            invoke: {
              src: 'applyDeploy',
              input: ({ context }) => deployRequest(context, '2a'),
              onDone: [
                { guard: { type: 'deployMatches', params: { stage: '2a' } }, target: 'stageB', actions: [{ type: 'deployDone', params: { stage: '2a' } }, confirmed('deploy.applyingA')] },
                { target: 'failed', actions: { type: 'deployMismatch', params: { stage: '2a', failedStep: 'deploy.stageA' } } },
              ],
              onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'deploy.stageA' } } },
            },
          },
          stageB: { entry: enter('deploy.stageB'), on: { CONFIRM: 'applyingB' } },
          applyingB: {
            entry: enter('deploy.applyingB'),
            invoke: {
              src: 'applyDeploy',
              input: ({ context }) => deployRequest(context, '2b'),
              onDone: [
                { guard: { type: 'deployMatches', params: { stage: '2b' } }, target: '#runbook.reencrypt', actions: [{ type: 'deployDone', params: { stage: '2b' } }, confirmed('deploy.applyingB')] },
                { target: 'failed', actions: { type: 'deployMismatch', params: { stage: '2b', failedStep: 'deploy.stageB' } } },
              ],
              onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'deploy.stageB' } } },
            },
          },
          failed: { entry: enter('deploy.failed'), on: { RETRY: retryTo(['deploy.both', 'deploy.stageA', 'deploy.stageB']) } },
        },
      },

      reencrypt: {
        initial: 'dryRun',
        on: ABORT_TO_STOP,
        states: {
          dryRun: {
            entry: [...enter('reencrypt.dryRun'), 'startRun'],
            invoke: { src: 'runReencryption', input: ({ context }) => ({ kind: 'dry-run' as const, mode: context.mode }) },
            on: {
              ENGINE_EVENT: { actions: 'engineUpdate' },
              RUN_DONE: {
                target: 'dryRunReview',
                actions: [assign({ dryRun: ({ event }) => event.summary, failures: ({ event }) => event.summary.failures }), runJournal('reencrypt.dryRun')],
              },
              RUN_FAILED: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'reencrypt.dryRun' } } },
            },
          },
          dryRunReview: { entry: enter('reencrypt.dryRunReview'), on: { CONFIRM: 'live' } },
          live: {
            entry: [...enter('reencrypt.live'), 'startRun'],
            invoke: { src: 'runReencryption', input: ({ context }) => ({ kind: 'live' as const, mode: context.mode }) },
            on: {
              ENGINE_EVENT: { actions: 'engineUpdate' },
              PAUSE: { target: 'paused', actions: { type: 'journal', params: { step: 'reencrypt.live', outcome: 'info', message: 'paused by the operator' } } },
              RUN_DONE: {
                target: 'liveReview',
                actions: [assign({ live: ({ event }) => event.summary, failures: ({ event }) => event.summary.failures }), runJournal('reencrypt.live')],
              },
              RUN_FAILED: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'reencrypt.live' } } },
            },
          },
          // Leaving `live` aborted the run; resuming starts it again, which is safe: rows already moved are skipped.
          paused: {
            entry: [...enter('reencrypt.paused'), assign({ engine: ({ context }) => ({ ...context.engine, paused: true }) })],
            on: { RESUME: 'live' },
          },
          liveReview: { entry: enter('reencrypt.liveReview'), on: { CONFIRM: '#runbook.verify', RETRY: 'live' } },
          failed: { entry: enter('reencrypt.failed'), on: { RETRY: retryTo(['reencrypt.dryRun', 'reencrypt.live']) } },
        },
      },

      verify: {
        initial: 'secondDryRun',
        on: ABORT_TO_STOP,
        states: {
          secondDryRun: {
            entry: [...enter('verify.secondDryRun'), 'startRun', assign({ secondDryRun: undefined, verifySql: undefined, verifyDeep: undefined, refusals: [] })],
            invoke: { src: 'runReencryption', input: ({ context }) => ({ kind: 'dry-run' as const, mode: context.mode }) },
            on: {
              ENGINE_EVENT: { actions: 'engineUpdate' },
              RUN_DONE: { target: 'counting', actions: [assign({ secondDryRun: ({ event }) => event.summary }), runJournal('verify.secondDryRun')] },
              RUN_FAILED: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'verify.secondDryRun' } } },
            },
          },
          counting: {
            entry: enter('verify.counting'),
            invoke: {
              src: 'verify',
              input: { check: 'sql' },
              onDone: { target: 'deepCheck', actions: 'storeSql' },
              onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'verify.secondDryRun' } } },
            },
          },
          deepCheck: {
            entry: enter('verify.deepCheck'),
            invoke: {
              src: 'verify',
              input: { check: 'only-primary' },
              onDone: [
                { guard: 'verifyClean', target: 'passed', actions: 'storeDeep' },
                { target: 'refused', actions: 'storeDeep' },
              ],
              onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'verify.secondDryRun' } } },
            },
          },
          passed: {
            entry: [...enter('verify.passed'), { type: 'journal', params: { step: 'verify.passed', outcome: 'ok' } }],
            on: { CONFIRM: { guard: 'removalAllowed', target: '#runbook.remove' } },
          },
          refused: {
            entry: [...enter('verify.refused'), { type: 'journal', params: ({ context }) => ({ step: 'verify.refused', outcome: 'refused', message: context.refusals.join(' ') }) }],
            on: { RETRY: '#runbook.reencrypt.live' },
          },
          failed: { entry: enter('verify.failed'), on: { RETRY: retryTo(['verify.secondDryRun']) } },
        },
      },

      remove: {
        initial: 'confirmDeploy',
        states: {
          confirmDeploy: { entry: enter('remove.confirmDeploy'), on: { CONFIRM: { guard: 'removalAllowed', target: 'applying' } } },
          applying: {
            entry: enter('remove.applying'),
            invoke: {
              src: 'applyDeploy',
              input: ({ context }) => deployRequest(context, 'remove'),
              onDone: [
                { guard: { type: 'deployMatches', params: { stage: 'remove' } }, target: 'checking', actions: [{ type: 'deployDone', params: { stage: 'remove' } }, confirmed('remove.applying')] },
                { target: 'failed', actions: { type: 'deployMismatch', params: { stage: 'remove', failedStep: 'remove.confirmDeploy' } } },
              ],
              onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'remove.confirmDeploy' } } },
            },
          },
          checking: {
            entry: enter('remove.checking'),
            invoke: {
              src: 'verify',
              input: { check: 'sql' },
              onDone: [
                { guard: 'allOnNewKey', target: '#runbook.done', actions: 'storeSql' },
                { target: 'notMigrated', actions: 'storeSql' },
              ],
              onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'remove.applying' } } },
            },
          },
          notMigrated: {
            entry: [...enter('remove.notMigrated'), { type: 'journal', params: { step: 'remove.notMigrated', outcome: 'failed', message: 'rows left on a removed key' } }],
            on: { START_ROLLBACK: { target: '#runbook.rollback', actions: assign({ path: 'rollback' as const }) } },
          },
          failed: { entry: enter('remove.failed'), on: { RETRY: retryTo(['remove.confirmDeploy', 'remove.applying']) } },
        },
      },

      stopped: {
        initial: 'safe',
        states: {
          safe: {
            entry: enter('stopped.safe'),
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
          applying: {
            entry: enter('rollback.applying'),
            invoke: {
              src: 'applyDeploy',
              input: ({ context }) => deployRequest(context, 'rollback'),
              onDone: [
                { guard: { type: 'deployMatches', params: { stage: 'rollback' } }, target: '#runbook.reencrypt', actions: [{ type: 'deployDone', params: { stage: 'rollback' } }, confirmed('rollback.applying')] },
                { target: 'failed', actions: { type: 'deployMismatch', params: { stage: 'rollback', failedStep: 'rollback.readdOld' } } },
              ],
              onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'rollback.readdOld' } } },
            },
          },
          failed: { entry: enter('rollback.failed'), on: { RETRY: retryTo(['rollback.readdOld']) } },
        },
      },

      emergency: {
        initial: 'listingCredentials',
        entry: assign(({ context }) => ({ path: 'emergency' as const, oldKeyId: context.oldKeyId ?? context.configured?.primaryKeyId })),
        states: {
          // Before any row moves: afterwards the database no longer tells which rows the leaked key protected.
          listingCredentials: {
            entry: enter('emergency.listingCredentials'),
            invoke: {
              src: 'listCredentials',
              input: ({ context }) => ({ keyId: context.oldKeyId! }),
              onDone: {
                target: 'generating',
                actions: [
                  assign({ credentials: ({ event }) => event.output }),
                  { type: 'journal', params: ({ context }) => ({ step: 'emergency.listingCredentials', outcome: 'ok', counts: { credentials: context.credentials.length } }) },
                ],
              },
              onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'emergency.listingCredentials' } } },
            },
          },
          generating: {
            entry: enter('emergency.generating'),
            invoke: {
              src: 'generateKey',
              input: ({ context }) => ({ currentPrimaryId: context.oldKeyId!, idsInDatabase: Object.keys(rowsByKeyId(context.inventory)) }),
              onDone: {
                target: 'show',
                actions: [
                  assign(({ context, event }) => ({ newKeyId: event.output.id, secretKeys: { ...context.secretKeys, [event.output.id]: event.output } })),
                  { type: 'journal', params: { step: 'emergency.generating', outcome: 'ok' } },
                ],
              },
              onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'emergency.generating' } } },
            },
          },
          show: {
            entry: enter('emergency.show'),
            on: {
              REVEAL_KEY: { actions: assign({ keyRevealed: true, keyShown: true }) },
              HIDE_KEY: { actions: assign({ keyRevealed: false }) },
              WRITE_KEY_FILE: 'writingFile',
              CONFIRM: { guard: 'keySaved', target: 'deployBoth', actions: assign({ keyRevealed: false }) },
            },
          },
          writingFile: {
            entry: enter('emergency.writingFile'),
            invoke: {
              src: 'writeKeyFile',
              input: ({ context, event }) => ({ path: (event as { path: string }).path, key: context.secretKeys[context.newKeyId!]! }),
              onDone: { target: 'show', actions: assign({ keyFile: ({ event }) => event.output }) },
              onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'emergency.show' } } },
            },
          },
          deployBoth: { entry: enter('emergency.deployBoth'), on: { CONFIRM: 'applying' } },
          applying: {
            entry: enter('emergency.applying'),
            invoke: {
              src: 'applyDeploy',
              input: ({ context }) => deployRequest(context, 'emergency-both'),
              onDone: [
                { guard: { type: 'deployMatches', params: { stage: 'emergency-both' } }, target: 'reencrypting', actions: [{ type: 'deployDone', params: { stage: 'emergency-both' } }, confirmed('emergency.applying')] },
                { target: 'failed', actions: { type: 'deployMismatch', params: { stage: 'emergency-both', failedStep: 'emergency.deployBoth' } } },
              ],
              onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'emergency.deployBoth' } } },
            },
          },
          // Fresh data keys for every value: a leaked KEK exposes the DEKs it wrapped, so rewrapping is not enough.
          reencrypting: {
            entry: [...enter('emergency.reencrypting'), 'startRun'],
            invoke: { src: 'runReencryption', input: { kind: 'live' as const, mode: 'reencrypt' as const } },
            on: {
              ...ABORT_TO_STOP,
              ENGINE_EVENT: { actions: 'engineUpdate' },
              RUN_DONE: {
                target: 'counting',
                actions: [assign({ live: ({ event }) => event.summary, failures: ({ event }) => event.summary.failures, secondDryRun: undefined }), runJournal('emergency.reencrypting')],
              },
              RUN_FAILED: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'emergency.reencrypting' } } },
            },
          },
          counting: {
            entry: enter('emergency.counting'),
            invoke: {
              src: 'verify',
              input: { check: 'sql' },
              onDone: { target: 'deepCheck', actions: 'storeSql' },
              onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'emergency.counting' } } },
            },
          },
          deepCheck: {
            entry: enter('emergency.deepCheck'),
            invoke: {
              src: 'verify',
              input: { check: 'only-primary' },
              onDone: [
                { guard: 'verifyClean', target: 'removeDeploy', actions: 'storeDeep' },
                { target: 'refused', actions: 'storeDeep' },
              ],
              onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'emergency.counting' } } },
            },
          },
          refused: {
            entry: [...enter('emergency.refused'), { type: 'journal', params: ({ context }) => ({ step: 'emergency.refused', outcome: 'refused', message: context.refusals.join(' ') }) }],
            on: { RETRY: 'reencrypting' },
          },
          removeDeploy: { entry: enter('emergency.removeDeploy'), on: { CONFIRM: { guard: 'removalAllowed', target: 'applyingRemoval' } } },
          applyingRemoval: {
            entry: enter('emergency.applyingRemoval'),
            invoke: {
              src: 'applyDeploy',
              input: ({ context }) => deployRequest(context, 'emergency-remove'),
              onDone: [
                { guard: { type: 'deployMatches', params: { stage: 'emergency-remove' } }, target: 'checklist', actions: [{ type: 'deployDone', params: { stage: 'emergency-remove' } }, confirmed('emergency.applyingRemoval')] },
                { target: 'failed', actions: { type: 'deployMismatch', params: { stage: 'emergency-remove', failedStep: 'emergency.removeDeploy' } } },
              ],
              onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'emergency.removeDeploy' } } },
            },
          },
          checklist: { entry: enter('emergency.checklist'), on: { CONFIRM: '#runbook.done' } },
          failed: {
            entry: enter('emergency.failed'),
            on: {
              RETRY: retryTo([
                'emergency.listingCredentials',
                'emergency.generating',
                'emergency.show',
                'emergency.deployBoth',
                'emergency.reencrypting',
                'emergency.counting',
                'emergency.removeDeploy',
              ]),
            },
          },
        },
      },

      done: {
        initial: 'summary',
        states: {
          summary: {
            entry: [...enter('done.summary'), { type: 'journal', params: { step: 'done.summary', outcome: 'ok', message: 'rotation finished' } }],
            on: { START_ROLLBACK: { target: '#runbook.rollback', actions: assign({ path: 'rollback' as const }) } },
          },
        },
      },

      quit: { type: 'final' },
    },
  });
}

/** Journal line for a finished run, with its counts. */
function runJournal(step: StepId) {
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


function confirmed(step: StepId) {
  return { type: 'journal' as const, params: ({ context }: { context: Ctx }) => ({ step, outcome: 'confirmed' as const, message: `deployed ${describeIds(context.configured)}` }) };
}


function outputOf<T>(event: unknown): T {
  return (event as { output: T }).output;
}

function deployOutput(event: unknown): DeployResult {
  return outputOf<DeployResult>(event);
}

/** Rows not on the new key (or invalid) after removal: data the application can no longer read. */
function notMigrated(newKeyId: string | undefined, report: { columns: { byKeyId: Record<string, number>; invalid: number }[] }): number {
  return report.columns.reduce((n, c) => n + c.invalid + Object.entries(c.byKeyId).reduce((m, [id, rows]) => m + (id === newKeyId ? 0 : rows), 0), 0);
}

/** The machine with effects that fail loudly: for inspection (graph, tests) and `machine.provide()`. */
export const runbookMachine = createRunbookMachine(missingEffects());
export type RunbookMachine = typeof runbookMachine;
