// The runbook's phases and steps: every step id is the machine's state path joined with '.', and
// runbook/ holds the words for each. The UI picks its screen by step id.

/** The numbered phases of the standard rotation, in order (PhaseBar shows these). */
export const ROTATION_PHASES = ['preflight', 'generate', 'deploy', 'reencrypt', 'verify', 'remove'] as const;
/** Every phase id: the numbered ones, plus the side paths and the end. */
export type PhaseId = (typeof ROTATION_PHASES)[number] | 'stopped' | 'rollback' | 'emergency' | 'done';

/**
 * Every step the machine can be in, named `<phase>.<step>`: exactly the machine's state path joined
 * with '.'. The UI picks its screen by step id; runbook/ holds the text for each one. What a step does
 * and which actions it takes are the machine's and the runbook's to say (the graph test checks both).
 */
export const STEP_IDS = [
  // Phase 0: read the configuration and the database, work out where a rotation stands.
  'preflight.loading',
  'preflight.readingJournal',
  'preflight.failed',
  'preflight.blocked',
  'preflight.wrongKey',
  'preflight.needKey',
  'preflight.loadingKey',
  'preflight.resumeOffer',
  'preflight.ready',
  // Phase 1: a new key.
  'generate.creating',
  'generate.show',
  'generate.writingFile',
  'generate.failed',
  // Phase 2: deploy with both keys.
  'deploy.choose',
  'deploy.both',
  'deploy.applyingBoth',
  'deploy.stageA',
  'deploy.applyingA',
  'deploy.stageB',
  'deploy.applyingB',
  'deploy.failed',
  // Phase 3: re-encrypt.
  'reencrypt.dryRun',
  'reencrypt.dryRunReview',
  'reencrypt.live',
  'reencrypt.paused',
  'reencrypt.liveReview',
  'reencrypt.failed',
  // Phase 4: verify.
  'verify.secondDryRun',
  'verify.counting',
  'verify.deepCheck',
  'verify.passed',
  'verify.refused',
  'verify.failed',
  // Phase 5: remove the old key.
  'remove.confirmDeploy',
  'remove.applying',
  'remove.checking',
  'remove.notMigrated',
  'remove.failed',
  // Stop during phases 2-3: both keys work, nothing to roll back.
  'stopped.safe',
  // Rollback after removal: re-add the old key as previous, deploy, re-encrypt, verify, remove again.
  'rollback.readdOld',
  'rollback.applying',
  'rollback.failed',
  // Emergency: the key leaked.
  'emergency.generating',
  'emergency.show',
  'emergency.writingFile',
  'emergency.deployBoth',
  'emergency.applying',
  'emergency.reencrypting',
  'emergency.counting',
  'emergency.deepCheck',
  'emergency.refused',
  'emergency.removeDeploy',
  'emergency.applyingRemoval',
  'emergency.waitingForList',
  'emergency.completingList',
  'emergency.checklist',
  'emergency.failed',
  // The end.
  'done.summary',
  'quit',
] as const;
export type StepId = (typeof STEP_IDS)[number];

/**
 * Work that runs beside the steps rather than as one: the emergency credential listing starts with
 * the path and goes on while the operator stores and deploys the new key. It has journal lines (and
 * text in runbook/) like a step, but no state of its own.
 */
export const BACKGROUND_TASKS = ['emergency.listingCredentials'] as const;
export type BackgroundTask = (typeof BACKGROUND_TASKS)[number];

/** The phase a step (or background task) belongs to. */
export function phaseOf(step: StepId | BackgroundTask): PhaseId {
  return (step === 'quit' ? 'done' : step.slice(0, step.indexOf('.'))) as PhaseId;
}

/** The step id of an XState state value (`{ deploy: 'stageA' }` -> 'deploy.stageA'). */
export function stepIdOf(value: string | Record<string, unknown>): StepId {
  const parts: string[] = [];
  let node: unknown = value;
  while (node !== undefined) {
    if (typeof node === 'string') {
      parts.push(node);
      break;
    }
    const [key] = Object.keys(node as Record<string, unknown>);
    if (key === undefined) break;
    parts.push(key);
    node = (node as Record<string, unknown>)[key];
  }
  const id = parts.join('.');
  if (!(STEP_IDS as readonly string[]).includes(id)) throw new Error(`not a runbook step: ${id}`);
  return id as StepId;
}
