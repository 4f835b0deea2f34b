// The machine's named actors, each a thin wrapper over one Effect. Promise effects get the actor's
// AbortSignal (aborted when the invoking state is left); the engine run streams its events back
// and is aborted by the cleanup when its state is left (pause, abort, quit).
import { fromCallback, fromPromise } from 'xstate';
import type { VerifyReport } from '../verify/verify-report.js';
import type { RotationMode } from '../crypto/envelope.js';
import type { RunKind } from '../engine/events.js';
import {
  toMachineError,
  type ColumnInventory,
  type CredentialRef,
  type DeployRequest,
  type DeployResult,
  type Effects,
  type Inventory,
  type InternalEvent,
  type LoadedKey,
  type ResumePoint,
  type SecretKey,
  type VerifyCheck,
} from './contract.js';

export interface GenerateKeyInput {
  currentPrimaryId: string;
  idsInDatabase: string[];
}

export interface RunInput {
  kind: RunKind;
  mode: RotationMode;
  /** Emergency: the leaked key, whose rows the run reports for the checklist. */
  recordMovedFrom?: string | undefined;
}

export function effectActors(effects: Effects) {
  return {
    loadInventory: fromPromise<Inventory>(({ signal }) => effects.loadInventory({ signal })),
    readResumePoint: fromPromise<ResumePoint | undefined>(() => effects.readResumePoint()),
    generateKey: fromPromise<SecretKey, GenerateKeyInput>(({ input, signal }) =>
      effects.generateKey({ ...input, signal }),
    ),
    /** Resolves with the path written, for the context. */
    writeKeyFile: fromPromise<string, { path: string; key: SecretKey }>(async ({ input }) => {
      await effects.writeKeyFile(input);
      return input.path;
    }),
    loadKeyFile: fromPromise<LoadedKey, { path: string; keyId: string; previousKeyId: string }>(({ input, signal }) =>
      effects.loadKeyFile({ ...input, signal }),
    ),
    applyDeploy: fromPromise<DeployResult, DeployRequest>(({ input }) => effects.applyDeploy(input)),
    readCounts: fromPromise<ColumnInventory[]>(({ signal }) => effects.readCounts({ signal })),
    verify: fromPromise<VerifyReport, { check: VerifyCheck }>(({ input, signal }) =>
      effects.verify({ check: input.check, signal }),
    ),
    /** Resolves with undefined when the list is already known (resumed): the rows have moved since. */
    listCredentials: fromPromise<CredentialRef[] | undefined, { keyId: string; known: boolean }>(
      async ({ input, signal }) =>
        input.known ? undefined : effects.listCredentialsProtectedBy({ keyId: input.keyId, signal }),
    ),
    completeCredentials: fromPromise<
      { credentials: CredentialRef[]; added: CredentialRef[] },
      { keyId: string; listed: readonly CredentialRef[] }
    >(({ input, signal }) => effects.completeCredentialList({ ...input, signal })),
    writeChecklist: fromPromise<
      { markdown: string; csv: string },
      { rotationId: string; keyId: string; credentials: readonly CredentialRef[] }
    >(({ input }) => effects.writeChecklistFiles(input)),
    runReencryption: fromCallback<InternalEvent, RunInput>(({ input, sendBack }) => {
      const controller = new AbortController();
      let open = true;
      const send = (event: InternalEvent) => {
        // After the state was left, late events (the summary of an aborted run) must not leak into another state.
        if (open) sendBack(event);
      };
      effects
        .runReencryption({
          ...input,
          signal: controller.signal,
          onEvent: (event) => send({ type: 'ENGINE_EVENT', event }),
        })
        .then(
          (summary) => send({ type: 'RUN_DONE', summary }),
          (error: unknown) => send({ type: 'RUN_FAILED', error: toMachineError(error) }),
        );
      return () => {
        open = false;
        controller.abort();
      };
    }),
  };
}

/** Effects that fail loudly: what the bare machine runs with until real ones are provided. */
export function missingEffects(): Effects {
  const missing = (name: string) => () => {
    throw new Error(`effect ${name} was not provided: create the machine with createRunbookMachine(effects)`);
  };
  return {
    loadInventory: missing('loadInventory'),
    readResumePoint: missing('readResumePoint'),
    generateKey: missing('generateKey'),
    writeKeyFile: missing('writeKeyFile'),
    loadKeyFile: missing('loadKeyFile'),
    applyDeploy: missing('applyDeploy'),
    runReencryption: missing('runReencryption'),
    verify: missing('verify'),
    listCredentialsProtectedBy: missing('listCredentialsProtectedBy'),
    completeCredentialList: missing('completeCredentialList'),
    writeChecklistFiles: missing('writeChecklistFiles'),
    readCounts: missing('readCounts'),
    appendJournal: () => undefined,
    now: () => Date.now(),
  };
}
