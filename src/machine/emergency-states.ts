// The emergency path: the key leaked. Generate and deploy both keys at once, re-encrypt with fresh
// data keys straight away, verify, remove the leaked key, then the checklist of credentials it
// protected. The listing of those credentials runs in the background from the first step: a
// whole-table read must not keep the leaked key primary a moment longer. What the listing misses
// (rows the application writes under the leaked key until the deploy) the engine reports as it moves
// them off that key, and the checklist gets them too.
import { passCounts } from './journal-entry.js';
import { LIVE_PASS_ENDED } from '../journal/live-pass-note.js';
import { keyFileNote } from '../journal/key-file-note.js';
import { assign } from 'xstate';
import { credentialKey, TICKED, UNTICKED } from '../emergency/checklist-groups.js';
import { rowsByKeyId, toMachineError } from './contract.js';
import type { RunbookStateConfig } from './machine-setup.js';
import { ABORT_TO_STOP, applyDeployState, enter, retryTo, runJournal } from './state-helpers.js';

export const emergencyStates: RunbookStateConfig = {
  initial: 'generating',
  entry: assign(({ context }) => ({
    path: 'emergency' as const,
    oldKeyId: context.oldKeyId ?? context.configured?.primaryKeyId,
    // Listed already (this session, or a resumed one's journal): the rows have moved since.
    credentialListing: context.credentialListing === 'done' ? ('done' as const) : ('running' as const),
    credentialListingError: undefined,
  })),
  // Before rows move: afterwards the database no longer tells which rows the leaked key protected.
  invoke: {
    id: 'credentialListing',
    src: 'listCredentials',
    input: ({ context }) => ({ keyId: context.oldKeyId!, known: context.credentialListing === 'done' }),
    onDone: {
      actions: [
        assign(({ context, event }) => ({
          credentials: event.output ?? context.credentials,
          credentialListing: 'done' as const,
        })),
        {
          type: 'journal',
          params: ({ context, event }) =>
            event.output
              ? {
                  step: 'emergency.listingCredentials' as const,
                  outcome: 'ok' as const,
                  counts: { credentials: event.output.length },
                  credentials: event.output,
                }
              : {
                  step: 'emergency.listingCredentials' as const,
                  outcome: 'info' as const,
                  message: `listed before this session: ${context.credentials.length} credentials (journal)`,
                },
        },
      ],
    },
    onError: {
      actions: [
        assign(({ event }) => ({
          credentialListing: 'failed' as const,
          credentialListingError: toMachineError(event.error).message,
        })),
        {
          type: 'journal',
          params: ({ context }) => ({
            step: 'emergency.listingCredentials' as const,
            outcome: 'failed' as const,
            message: context.credentialListingError,
          }),
        },
      ],
    },
  },
  states: {
    generating: {
      entry: enter('emergency.generating'),
      invoke: {
        src: 'generateKey',
        input: ({ context }) => ({
          currentPrimaryId: context.oldKeyId!,
          idsInDatabase: Object.keys(rowsByKeyId(context.inventory)),
        }),
        onDone: {
          target: 'show',
          actions: [
            assign(({ context, event }) => ({
              newKeyId: event.output.id,
              secretKeys: { ...context.secretKeys, [event.output.id]: event.output },
            })),
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
        input: ({ context, event }) => ({
          path: (event as { path: string }).path,
          key: context.secretKeys[context.newKeyId!]!,
        }),
        onDone: {
          target: 'show',
          actions: [
            assign({ keyFile: ({ event }) => event.output }),
            {
              type: 'journal',
              params: ({ event }) => ({
                step: 'emergency.writingFile' as const,
                outcome: 'ok' as const,
                message: keyFileNote(event.output),
              }),
            },
          ],
        },
        onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'emergency.show' } } },
      },
    },
    deployBoth: { entry: enter('emergency.deployBoth'), on: { CONFIRM: 'applying' } },
    applying: applyDeployState({
      step: 'emergency.applying',
      stage: 'emergency-both',
      next: 'reencrypting',
      confirmStep: 'emergency.deployBoth',
    }),
    // Fresh data keys for every value: a leaked KEK exposes the DEKs it wrapped, so rewrapping is not enough.
    reencrypting: {
      entry: [...enter('emergency.reencrypting'), 'startRun'],
      exit: [
        'leaveLive',
        {
          type: 'journal',
          params: ({ context }) => ({
            step: 'emergency.reencrypting' as const,
            outcome: 'info' as const,
            message: LIVE_PASS_ENDED,
            counts: passCounts(context),
          }),
        },
      ],
      invoke: {
        src: 'runReencryption',
        input: ({ context }) => ({
          kind: 'live' as const,
          mode: 'reencrypt' as const,
          recordMovedFrom: context.oldKeyId,
        }),
      },
      on: {
        ...ABORT_TO_STOP,
        ENGINE_EVENT: { actions: 'engineUpdate' },
        RUN_DONE: {
          target: 'counting',
          actions: [
            assign({
              live: ({ event }) => event.summary,
              failures: ({ event }) => event.summary.failures,
              secondDryRun: undefined,
            }),
            runJournal('emergency.reencrypting'),
          ],
        },
        RUN_FAILED: {
          target: 'failed',
          actions: { type: 'storeError', params: { failedStep: 'emergency.reencrypting' } },
        },
      },
    },
    counting: {
      entry: enter('emergency.counting'),
      invoke: {
        src: 'verify',
        input: { check: 'sql' },
        onDone: {
          target: 'deepCheck',
          actions: { type: 'storeSql', params: ({ event }) => ({ report: event.output }) },
        },
        onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'emergency.counting' } } },
      },
    },
    deepCheck: {
      entry: enter('emergency.deepCheck'),
      invoke: {
        src: 'verify',
        input: { check: 'only-primary' },
        onDone: [
          {
            guard: { type: 'verifyClean', params: ({ event }) => ({ report: event.output }) },
            target: 'removeDeploy',
            actions: { type: 'storeDeep', params: ({ event }) => ({ report: event.output }) },
          },
          { target: 'refused', actions: { type: 'storeDeep', params: ({ event }) => ({ report: event.output }) } },
        ],
        onError: { target: 'failed', actions: { type: 'storeError', params: { failedStep: 'emergency.counting' } } },
      },
    },
    refused: {
      entry: [
        ...enter('emergency.refused'),
        {
          type: 'journal',
          params: ({ context }) => ({
            step: 'emergency.refused',
            outcome: 'refused',
            message: context.refusals.join(' '),
          }),
        },
      ],
      on: { RETRY: 'reencrypting' },
    },
    removeDeploy: {
      entry: enter('emergency.removeDeploy'),
      on: { CONFIRM: { guard: 'removalAllowed', target: 'applyingRemoval' } },
    },
    applyingRemoval: applyDeployState({
      step: 'emergency.applyingRemoval',
      stage: 'emergency-remove',
      next: 'waitingForList',
      confirmStep: 'emergency.removeDeploy',
    }),
    // Usually settled long before: the listing is one keyset scan, the rotation needed a deploy.
    waitingForList: {
      entry: enter('emergency.waitingForList'),
      always: { guard: 'credentialListingSettled', target: 'completingList' },
    },
    completingList: {
      entry: enter('emergency.completingList'),
      invoke: {
        src: 'completeCredentials',
        input: ({ context }) => ({ keyId: context.oldKeyId!, listed: context.credentials }),
        onDone: {
          target: 'checklist',
          actions: [
            assign(({ event }) => ({
              credentials: event.output.credentials,
              credentialsAdded: event.output.added.length,
            })),
            {
              type: 'journal',
              params: ({ context, event }) => ({
                step: 'emergency.completingList' as const,
                outcome: 'ok' as const,
                counts: { credentials: context.credentials.length, added: event.output.added.length },
                // Only what the journal lacks: the listing is there already.
                ...(event.output.added.length > 0 ? { credentials: event.output.added } : {}),
              }),
            },
          ],
        },
        onError: {
          target: 'failed',
          actions: { type: 'storeError', params: { failedStep: 'emergency.completingList' } },
        },
      },
    },
    checklist: {
      entry: enter('emergency.checklist'),
      invoke: {
        src: 'writeChecklist',
        input: ({ context }) => ({
          rotationId: context.rotationId,
          keyId: context.oldKeyId!,
          credentials: context.credentials,
        }),
        onDone: {
          actions: [
            assign({ checklistFiles: ({ event }) => event.output, checklistFilesError: undefined }),
            {
              type: 'journal',
              params: ({ event }) => ({
                step: 'emergency.checklist' as const,
                outcome: 'info' as const,
                message: `checklist written to ${event.output.markdown} and ${event.output.csv}`,
              }),
            },
          ],
        },
        onError: { actions: assign({ checklistFilesError: ({ event }) => toMachineError(event.error).message }) },
      },
      on: {
        TICK_CREDENTIAL: {
          actions: [
            assign({
              ticked: ({ context, event }) =>
                context.ticked.includes(event.key)
                  ? context.ticked.filter((k) => k !== event.key)
                  : [...context.ticked, event.key],
            }),
            {
              type: 'journal',
              params: ({ context, event }) => ({
                step: 'emergency.checklist' as const,
                outcome: 'info' as const,
                message: context.ticked.includes(event.key) ? TICKED : UNTICKED,
                credentials: context.credentials.filter((c) => credentialKey(c) === event.key),
              }),
            },
          ],
        },
        CONFIRM: '#runbook.done',
      },
    },
    failed: {
      entry: enter('emergency.failed'),
      on: {
        RETRY: retryTo([
          'emergency.generating',
          'emergency.show',
          'emergency.deployBoth',
          'emergency.reencrypting',
          'emergency.counting',
          'emergency.removeDeploy',
          'emergency.completingList',
        ]),
      },
    },
  },
};
