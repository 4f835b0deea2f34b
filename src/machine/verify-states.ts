// Phase 4: a second dry run that must find nothing, the SQL counts, and the deep check with the
// new key alone. Removal of the old key is refused until all three are clean.
import { assign } from 'xstate';
import type { RunbookStateConfig } from './machine-setup.js';
import { ABORT_TO_STOP, enter, retryTo, runJournal } from './state-helpers.js';

export const verifyStates: RunbookStateConfig = {
  initial: 'secondDryRun',
  on: ABORT_TO_STOP,
  states: {
    secondDryRun: {
      entry: [
        ...enter('verify.secondDryRun'),
        'startRun',
        assign({ secondDryRun: undefined, verifySql: undefined, verifyDeep: undefined, refusals: [] }),
      ],
      invoke: { src: 'runReencryption', input: ({ context }) => ({ kind: 'dry-run' as const, mode: context.mode }) },
      on: {
        ENGINE_EVENT: { actions: 'engineUpdate' },
        RUN_DONE: {
          target: 'counting',
          actions: [assign({ secondDryRun: ({ event }) => event.summary }), runJournal('verify.secondDryRun')],
        },
        RUN_FAILED: {
          target: 'failed',
          actions: { type: 'storeError', params: { failedStep: 'verify.secondDryRun' } },
        },
      },
    },
    counting: {
      entry: enter('verify.counting'),
      invoke: {
        src: 'verify',
        input: { check: 'sql' },
        onDone: {
          target: 'deepCheck',
          actions: { type: 'storeSql', params: ({ event }) => ({ report: event.output }) },
        },
        onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'verify.secondDryRun' } } },
      },
    },
    deepCheck: {
      entry: enter('verify.deepCheck'),
      invoke: {
        src: 'verify',
        input: { check: 'only-primary' },
        onDone: [
          {
            guard: { type: 'verifyClean', params: ({ event }) => ({ report: event.output }) },
            target: 'passed',
            actions: { type: 'storeDeep', params: ({ event }) => ({ report: event.output }) },
          },
          { target: 'refused', actions: { type: 'storeDeep', params: ({ event }) => ({ report: event.output }) } },
        ],
        onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'verify.secondDryRun' } } },
      },
    },
    passed: {
      entry: [...enter('verify.passed'), { type: 'journal', params: { step: 'verify.passed', outcome: 'ok' } }],
      on: { CONFIRM: { guard: 'removalAllowed', target: '#runbook.remove' } },
    },
    refused: {
      entry: [
        ...enter('verify.refused'),
        {
          type: 'journal',
          params: ({ context }) => ({
            step: 'verify.refused',
            outcome: 'refused',
            message: context.refusals.join(' '),
          }),
        },
      ],
      on: { RETRY: '#runbook.reencrypt.live' },
    },
    failed: { entry: enter('verify.failed'), on: { RETRY: retryTo(['verify.secondDryRun']) } },
  },
};
