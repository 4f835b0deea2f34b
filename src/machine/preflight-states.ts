// Phase 0: read the configuration and the database, then block, offer to resume, or start.
// The database decides where a rotation stands; the journal adds what only it knows.
import { assertEvent, assign } from 'xstate';
import { analysePreflight } from './preflight-analysis.js';
import { inventoryCounts } from './journal-entry.js';
import type { RunbookStateConfig } from './machine-setup.js';
import { enter } from './state-helpers.js';

export const preflightStates: RunbookStateConfig = {
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
              keyProofs: event.output.keyProofs,
              secretKeys: { ...context.secretKeys, ...Object.fromEntries(event.output.keys.map((k) => [k.id, k])) },
              error: undefined,
            })),
            {
              type: 'journal',
              params: ({ context }) => ({ step: 'preflight.loading', outcome: 'ok', counts: inventoryCounts(context) }),
            },
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
              path:
                context.path ??
                (analysis.resumeTarget && event.output && !event.output.finished ? event.output.path : undefined),
            };
          }),
        },
        onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'preflight.loading' } } },
      },
    },
    // Not a step: decides where preflight rests.
    route: {
      always: [
        // Before anything else: a key that is not the rows' key makes every later step wrong.
        { guard: 'hasWrongKey', target: 'wrongKey' },
        { guard: { type: 'resumeAt', params: { target: 'load-key' } }, target: 'needKey' },
        { guard: 'hasStray', target: 'blocked' },
        { guard: 'emergencyCanStart', target: '#runbook.emergency' },
        { guard: 'hasResumeTarget', target: 'resumeOffer' },
        { target: 'ready' },
      ],
    },
    failed: { entry: enter('preflight.failed'), on: { RETRY: 'loading' } },
    blocked: {
      entry: [
        ...enter('preflight.blocked'),
        { type: 'journal', params: { step: 'preflight.blocked', outcome: 'refused' } },
      ],
      on: {
        RETRY: 'loading',
        START_ROLLBACK: {
          guard: 'canRollbackStray',
          target: '#runbook.rollback',
          actions: assign(({ context }) => ({
            path: 'rollback' as const,
            newKeyId: context.configured?.primaryKeyId,
            oldKeyId: context.stray[0]?.keyId,
          })),
        },
      },
    },
    wrongKey: {
      entry: [
        ...enter('preflight.wrongKey'),
        { type: 'journal', params: { step: 'preflight.wrongKey', outcome: 'refused' } },
      ],
      on: { RETRY: 'loading' },
    },
    needKey: {
      entry: [
        ...enter('preflight.needKey'),
        {
          type: 'journal',
          params: {
            step: 'preflight.needKey',
            outcome: 'info',
            message: 'the tool lacks the new key of the rotation under way',
          },
        },
      ],
      // The error of a failed load belongs to this screen only: trying again clears it.
      exit: 'clearError',
      on: { LOAD_KEY_FILE: 'loadingKey' },
    },
    loadingKey: {
      entry: enter('preflight.loadingKey'),
      invoke: {
        src: 'loadKeyFile',
        input: ({ context, event }) => {
          assertEvent(event, 'LOAD_KEY_FILE');
          return { path: event.path, keyId: context.newKeyId!, previousKeyId: context.oldKeyId! };
        },
        onDone: {
          // The tool now holds both keys: the journal and the counts decide where to continue.
          target: 'readingJournal',
          actions: assign(({ context, event }) => ({
            configured: event.output.toolConfig,
            secretKeys: { ...context.secretKeys, [event.output.key.id]: event.output.key },
            error: undefined,
          })),
        },
        onError: { target: 'needKey', actions: { type: 'storeError', params: { failedStep: 'preflight.needKey' } } },
      },
    },
    resumeOffer: {
      entry: enter('preflight.resumeOffer'),
      on: {
        RESUME_FROM_JOURNAL: [
          {
            guard: { type: 'resumeAt', params: { target: 'deploy' } },
            target: '#runbook.deploy',
            actions: 'adoptRotation',
          },
          {
            guard: { type: 'resumeAt', params: { target: 'deploy-2b' } },
            target: '#runbook.deploy.stageB',
            actions: ['adoptRotation', assign({ deployPlan: 'staged' as const })],
          },
          {
            guard: { type: 'emergencyResumeAt', params: { target: 'reencrypt' } },
            target: '#runbook.emergency.reencrypting',
            actions: 'adoptRotation',
          },
          {
            guard: { type: 'resumeAt', params: { target: 'reencrypt' } },
            target: '#runbook.reencrypt',
            actions: 'adoptRotation',
          },
          {
            guard: { type: 'emergencyResumeAt', params: { target: 'verify' } },
            target: '#runbook.emergency.counting',
            actions: 'adoptRotation',
          },
          {
            guard: { type: 'resumeAt', params: { target: 'verify' } },
            target: '#runbook.verify',
            actions: 'adoptRotation',
          },
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
          {
            guard: ({ event }) => event.path === 'emergency',
            target: '#runbook.emergency',
            actions: assign({ path: 'emergency' as const }),
          },
          { target: '#runbook.generate', actions: assign({ path: 'rotate' as const }) },
        ],
      },
    },
  },
};
