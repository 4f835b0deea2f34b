// Every step of the machine reached by its shortest path, walked breadth-first with XState's pure
// transitions: the effects' possible outcomes are fed in as events. The graph test and the test of
// every step's keys walk the same paths.
import { initialTransition, transition, type AnyEventObject, type AnyStateNode, type StateValue } from 'xstate';
import { createRunbookMachine } from '../../src/machine/runbook-machine.js';
import {
  deployConfigFor,
  SecretKey,
  STEP_IDS,
  stepIdOf,
  type DeployStage,
  type Inventory,
  type RunbookEvent,
  type ResumePoint,
  type RunbookContext,
  type StepId,
} from '../../src/machine/contract.js';
import type { RunSummary } from '../../src/engine/events.js';
import type { VerifyReport } from '../../src/verify/verify-report.js';
import { fakeEffects, LABEL, makeWorld } from './fake-effects.js';

export const machine = createRunbookMachine(fakeEffects(makeWorld()));

function inventory(
  primaryKeyId: string,
  previousKeyId: string | undefined,
  byKeyId: Record<string, number>,
  keyProofs: Inventory['keyProofs'] = [],
): Inventory {
  return {
    configured: { primaryKeyId, previousKeyId },
    columns: [{ label: LABEL, total: 10, nulls: 0, byKeyId, invalid: 0 }],
    warnings: [],
    keys: [],
    keyProofs,
  };
}

/** kek-v1 tried on 10 of its rows and refused by every one: the right id, the wrong bytes. */
const WRONG_V1 = [
  {
    keyId: 'kek-v1',
    source: 'SECRETS_ENCRYPTION_KEY',
    tried: 10,
    decrypted: 0,
    unwrappedOnly: 0,
    keyRejected: 10,
    failures: [],
  },
];

const INVENTORIES = [
  inventory('kek-v1', undefined, { 'kek-v1': 10 }), // nothing under way
  inventory('kek-v2', undefined, { 'kek-v1': 3, 'kek-v2': 7 }), // stranded rows
  inventory('kek-v2', 'kek-v1', { 'kek-v1': 4, 'kek-v2': 6 }), // re-encryption under way
  inventory('kek-v2', 'kek-v1', { 'kek-v2': 10 }), // ready to verify
  inventory('kek-v1', 'kek-v2', { 'kek-v1': 10 }), // staged 2a deployed
  inventory('kek-v1', undefined, { 'kek-v1': 10 }, WRONG_V1), // a wrong key under the right id
  inventory('kek-v1', undefined, { 'kek-v1': 6, 'kek-v2': 4 }), // the journal's rotation half done, the tool lacks kek-v2
];

const point = (path: ResumePoint['path'], step: string): ResumePoint => ({
  rotationId: 'rot-j',
  path,
  phase: step.split('.')[0]!,
  step,
  outcome: 'started',
  time: '2024-01-01T00:00:00Z',
  newKeyId: 'kek-v2',
  oldKeyId: 'kek-v1',
  finished: false,
});
const RESUME_POINTS = [
  undefined,
  point('rotate', 'generate.show'),
  point('emergency', 'emergency.reencrypting'),
  point('rotate', 'reencrypt.live'),
];

const APPLYING: Partial<Record<StepId, DeployStage>> = {
  'deploy.applyingBoth': 'both',
  'deploy.applyingA': '2a',
  'deploy.applyingB': '2b',
  'remove.applying': 'remove',
  'rollback.applying': 'rollback',
  'emergency.applying': 'emergency-both',
  'emergency.applyingRemoval': 'emergency-remove',
};

function summary(rotated: number): RunSummary {
  const t = {
    table: LABEL,
    total: 10,
    processed: 10,
    rotated,
    alreadyPrimary: 10 - rotated,
    nulls: 0,
    failed: 0,
    retried: 0,
    skippedLocked: 0,
    vanished: 0,
    byKeyId: {},
  };
  return {
    kind: 'dry-run',
    mode: 'reencrypt',
    primaryKeyId: 'kek-v2',
    tables: [t],
    failures: [],
    cancelled: false,
    elapsedMs: 1,
  };
}

function report(byKeyId: Record<string, number>, deepFailed?: number): VerifyReport {
  const deep =
    deepFailed === undefined
      ? {}
      : { deep: { checked: 10, ok: 10 - deepFailed, failed: deepFailed, failures: [], ring: 'primary-only' as const } };
  return {
    columns: [
      {
        label: LABEL,
        table: 't',
        valueType: 'bytea',
        sql: 'SELECT',
        total: 10,
        nulls: 0,
        byKeyId,
        invalid: 0,
        ...deep,
      },
    ],
    passed: true,
    problems: [],
  };
}

export type Snap = ReturnType<typeof machine.transition>;

/** The state nodes a state value names, parents included (their invokes run too), through public `states`. */
function activeNodes(value: StateValue, node: AnyStateNode = machine.root): AnyStateNode[] {
  if (typeof value === 'string') return [node.states[value]!];
  return Object.entries(value).flatMap(([key, inner]) => {
    const child = node.states[key]!;
    return inner === undefined ? [child] : [child, ...activeNodes(inner, child)];
  });
}

/** The outcomes each effect can have in the current step, as the events the machine would receive. */
function effectEvents(snapshot: Snap): AnyEventObject[] {
  const ctx = snapshot.context as RunbookContext;
  const step = stepIdOf(snapshot.value as string);
  const events: AnyEventObject[] = [];
  for (const node of activeNodes(snapshot.value)) {
    for (const invoke of node.invoke) {
      // The background listing settles once: after that its invoke sends nothing more.
      if (invoke.src === 'listCredentials' && ctx.credentialListing !== 'running') continue;
      const done = (output: unknown) => events.push({ type: `xstate.done.actor.${invoke.id}`, output });
      events.push({ type: `xstate.error.actor.${invoke.id}`, error: new Error('boom') });
      switch (invoke.src) {
        case 'loadInventory':
          INVENTORIES.forEach(done);
          break;
        case 'readResumePoint':
          RESUME_POINTS.forEach(done);
          break;
        case 'generateKey':
          done(new SecretKey({ id: 'kek-v2', bytes: Buffer.alloc(32, 7) }));
          break;
        case 'writeKeyFile':
          done('/tmp/new.key');
          break;
        case 'loadKeyFile':
          done({
            key: new SecretKey({ id: 'kek-v2', bytes: Buffer.alloc(32, 7) }),
            toolConfig: { primaryKeyId: 'kek-v2', previousKeyId: 'kek-v1' },
          });
          break;
        case 'listCredentials':
          done([]);
          done(undefined);
          break;
        case 'completeCredentials':
          done({ credentials: [], added: [] });
          break;
        case 'writeChecklist':
          done({ markdown: 'c.md', csv: 'c.csv' });
          break;
        case 'readCounts':
          done([{ label: LABEL, total: 10, nulls: 0, byKeyId: { 'kek-v2': 6, 'kek-v1': 4 }, invalid: 0 }]);
          break;
        case 'applyDeploy': {
          const wanted = deployConfigFor(ctx, APPLYING[step]!);
          done({ toolConfig: wanted });
          done({ toolConfig: { primaryKeyId: 'kek-x' } });
          break;
        }
        case 'verify':
          if (step.endsWith('deepCheck')) [0, 1].forEach((failed) => done(report({ [ctx.newKeyId!]: 10 }, failed)));
          else
            [{ [ctx.newKeyId!]: 10 }, { [ctx.newKeyId!]: 9, [ctx.oldKeyId!]: 1 }].forEach((rows) => done(report(rows)));
          break;
        case 'runReencryption':
          events.push(
            { type: 'RUN_DONE', summary: summary(0) },
            { type: 'RUN_DONE', summary: summary(1) },
            { type: 'RUN_FAILED', error: { message: 'boom' } },
          );
          break;
      }
    }
  }
  return events;
}

const UI_EVENTS: AnyEventObject[] = [
  { type: 'CONFIRM' },
  { type: 'CANCEL' },
  { type: 'REVEAL_KEY' },
  { type: 'HIDE_KEY' },
  { type: 'WRITE_KEY_FILE', path: '/tmp/new.key' },
  { type: 'LOAD_KEY_FILE', path: '/tmp/new.key' },
  { type: 'CHOOSE_PATH', path: 'rotate' },
  { type: 'CHOOSE_PATH', path: 'emergency' },
  { type: 'CHOOSE_DEPLOY', plan: 'runbook' },
  { type: 'CHOOSE_DEPLOY', plan: 'staged' },
  { type: 'PAUSE' },
  { type: 'RESUME' },
  { type: 'ABORT' },
  { type: 'START_ROLLBACK' },
  { type: 'RESUME_FROM_JOURNAL' },
  { type: 'START_FRESH' },
  { type: 'RETRY' },
  { type: 'QUIT' },
  { type: 'TICK_CREDENTIAL', key: 't.c\0id-1' },
];

/** What makes two snapshots different for the procedure (not timestamps or progress counters). */
function serialize(snapshot: Snap): string {
  const c = snapshot.context as RunbookContext;
  return JSON.stringify([
    snapshot.value,
    c.configured,
    c.path,
    c.keyShown || c.keyFile !== undefined,
    c.resumeTarget,
    c.refusals.length > 0,
    c.failedStep,
    c.keyProofs.length,
    c.inventory[0]?.byKeyId,
    c.credentialListing,
  ]);
}

/**
 * One snapshot per reachable step: the first found by a breadth-first walk, so one reached by a
 * shortest sequence of events. Built on XState's pure `initialTransition`/`transition` (no actor
 * runs; the effects' outcomes are the events above); a state already seen (by `serialize`) is not
 * walked again, and the walk stops once every step is found.
 */
export function snapshotPerStep(input: { rotationId: string; emergency?: boolean }): Map<StepId, Snap> {
  const [initial] = initialTransition(machine, input);
  const out = new Map<StepId, Snap>();
  const record = (snapshot: Snap) => {
    const step = stepIdOf(snapshot.value as string);
    if (!out.has(step)) out.set(step, snapshot);
  };
  const seen = new Set([serialize(initial)]);
  record(initial);
  let frontier: Snap[] = [initial];
  while (frontier.length > 0 && out.size < STEP_IDS.length) {
    const next: Snap[] = [];
    for (const snapshot of frontier) {
      for (const event of [...UI_EVENTS, ...effectEvents(snapshot)] as RunbookEvent[]) {
        const [after] = transition(machine, snapshot, event);
        const key = serialize(after);
        if (seen.has(key)) continue;
        seen.add(key);
        record(after);
        next.push(after);
      }
    }
    frontier = next;
  }
  return out;
}

export function reachableSteps(input: { rotationId: string; emergency?: boolean }): Set<StepId> {
  return new Set(snapshotPerStep(input).keys());
}
