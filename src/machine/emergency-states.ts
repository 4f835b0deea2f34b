// The emergency path: the key leaked. List what it protected, generate and deploy both keys at
// once, re-encrypt with fresh data keys straight away, verify, remove the leaked key, checklist.
import { passCounts } from './journal-entry.js';
import { LIVE_PASS_ENDED } from '../journal/live-pass-note.js';
import { keyFileNote } from '../journal/key-file-note.js';
import { assign } from 'xstate';
import { rowsByKeyId } from './contract.js';
import type { RunbookStateConfig } from './machine-setup.js';
import { ABORT_TO_STOP, applyDeployState, enter, retryTo, runJournal } from './state-helpers.js';

export const emergencyStates: RunbookStateConfig = {
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
            {
              type: 'journal',
              params: ({ context }) => ({ step: 'emergency.listingCredentials', outcome: 'ok', counts: { credentials: context.credentials.length }, credentials: context.credentials }),
            },
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
        onDone: {
          target: 'show',
          actions: [
            assign({ keyFile: ({ event }) => event.output }),
            { type: 'journal', params: ({ event }) => ({ step: 'emergency.writingFile' as const, outcome: 'ok' as const, message: keyFileNote(event.output) }) },
          ],
        },
        onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'emergency.show' } } },
      },
    },
    deployBoth: { entry: enter('emergency.deployBoth'), on: { CONFIRM: 'applying' } },
    applying: applyDeployState({ step: 'emergency.applying', stage: 'emergency-both', next: 'reencrypting', confirmStep: 'emergency.deployBoth' }),
    // Fresh data keys for every value: a leaked KEK exposes the DEKs it wrapped, so rewrapping is not enough.
    reencrypting: {
      entry: [...enter('emergency.reencrypting'), 'startRun'],
      exit: ['leaveLive', { type: 'journal', params: ({ context }) => ({ step: 'emergency.reencrypting' as const, outcome: 'info' as const, message: LIVE_PASS_ENDED, counts: passCounts(context) }) }],
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
        onDone: { target: 'deepCheck', actions: { type: 'storeSql', params: ({ event }) => ({ report: event.output }) } },
        onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'emergency.counting' } } },
      },
    },
    deepCheck: {
      entry: enter('emergency.deepCheck'),
      invoke: {
        src: 'verify',
        input: { check: 'only-primary' },
        onDone: [
          { guard: { type: 'verifyClean', params: ({ event }) => ({ report: event.output }) }, target: 'removeDeploy', actions: { type: 'storeDeep', params: ({ event }) => ({ report: event.output }) } },
          { target: 'refused', actions: { type: 'storeDeep', params: ({ event }) => ({ report: event.output }) } },
        ],
        onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'emergency.counting' } } },
      },
    },
    refused: {
      entry: [...enter('emergency.refused'), { type: 'journal', params: ({ context }) => ({ step: 'emergency.refused', outcome: 'refused', message: context.refusals.join(' ') }) }],
      on: { RETRY: 'reencrypting' },
    },
    removeDeploy: { entry: enter('emergency.removeDeploy'), on: { CONFIRM: { guard: 'removalAllowed', target: 'applyingRemoval' } } },
    applyingRemoval: applyDeployState({ step: 'emergency.applyingRemoval', stage: 'emergency-remove', next: 'checklist', confirmStep: 'emergency.removeDeploy' }),
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
};
