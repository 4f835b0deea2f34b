// Which keys a step offers, worked out from what the machine accepts right now (`can`): the
// machine decides what is allowed, this only names the keys. Pure, so every step is tested.
import type { RunbookContext, StepId, UiEvent } from '../../machine/contract.js';
import { KEY_OF } from '../../../runbook/keys.js';

export interface ActionSpec {
  readonly key: string;
  /** Other keys that do the same: Enter, wherever y confirms. */
  readonly aliases?: readonly string[] | undefined;
  readonly label: string;
  readonly event: UiEvent;
  /** Dangerous steps: the text the operator must type first. */
  readonly typeToConfirm?: string | undefined;
}

const TYPED_CONFIRM_STEPS: readonly StepId[] = ['remove.confirmDeploy', 'emergency.removeDeploy'];

function confirmLabel(step: StepId, ctx: RunbookContext): string {
  switch (step) {
    case 'generate.show':
    case 'emergency.show':
      return 'key is in the secrets manager';
    case 'deploy.both':
    case 'deploy.stageA':
    case 'deploy.stageB':
    case 'rollback.readdOld':
    case 'emergency.deployBoth':
      return 'deployed everywhere';
    case 'reencrypt.dryRunReview':
      return 'start the live run';
    case 'reencrypt.liveReview':
      return 'verify';
    case 'verify.passed':
      return `remove ${ctx.oldKeyId ?? 'the old key'}`;
    case 'remove.confirmDeploy':
    case 'emergency.removeDeploy':
      return `deployed without ${ctx.oldKeyId ?? 'the old key'}`;
    case 'emergency.checklist':
      return 'finish';
    default:
      return 'continue';
  }
}

/** The runbook's own label for an event at a step (runbook/ is the one source of the words). */
export type RunbookLabel = (step: StepId, event: UiEvent['type']) => string | undefined;

// These events need a label per choice or per state, which the runbook's single label cannot give.
const OWN_LABELS: ReadonlySet<UiEvent['type']> = new Set([
  'CHOOSE_PATH',
  'CHOOSE_DEPLOY',
  'REVEAL_KEY',
  'HIDE_KEY',
  'QUIT',
]);

/** Every action a step could offer, in footer order; filtered by `can` and de-duplicated by key. */
export function actionsFor(
  step: StepId,
  ctx: RunbookContext,
  can: (event: UiEvent) => boolean,
  runbookLabel?: RunbookLabel,
): ActionSpec[] {
  const typed = TYPED_CONFIRM_STEPS.includes(step) ? (ctx.oldKeyId ?? undefined) : undefined;
  const candidates: ActionSpec[] = [
    { key: 'enter', label: 'rotate', event: { type: 'CHOOSE_PATH', path: 'rotate' } },
    { key: KEY_OF.emergency, label: 'emergency: key leaked', event: { type: 'CHOOSE_PATH', path: 'emergency' } },
    { key: KEY_OF.continue, label: 'continue where it stopped', event: { type: 'RESUME_FROM_JOURNAL' } },
    { key: KEY_OF.startFresh, label: 'start fresh', event: { type: 'START_FRESH' } },
    { key: '1', label: 'runbook order', event: { type: 'CHOOSE_DEPLOY', plan: 'runbook' } },
    { key: '2', label: 'staged (rolling deploys)', event: { type: 'CHOOSE_DEPLOY', plan: 'staged' } },
    // k shows or hides key material on every screen (the deploy snippets use it too).
    ctx.keyRevealed
      ? { key: KEY_OF.revealKey, label: 'hide key', event: { type: 'HIDE_KEY' } }
      : { key: KEY_OF.revealKey, label: 'reveal key', event: { type: 'REVEAL_KEY' } },
    // The path is asked for on screen; this default is what the prompt starts with.
    {
      key: KEY_OF.writeFile,
      label: 'write key to a file',
      event: { type: 'WRITE_KEY_FILE', path: `${ctx.newKeyId ?? 'new-key'}.key` },
    },
    // The path is asked for on screen, starting from where the journal says the key was written.
    {
      key: KEY_OF.loadKey,
      label: 'load the new key from a file',
      event: { type: 'LOAD_KEY_FILE', path: ctx.resumePoint?.keyFile ?? `${ctx.newKeyId ?? 'new-key'}.key` },
    },
    { key: KEY_OF.confirm, label: confirmLabel(step, ctx), event: { type: 'CONFIRM' }, typeToConfirm: typed },
    { key: KEY_OF.pause, label: 'pause', event: { type: 'PAUSE' } },
    {
      key: step === 'stopped.safe' ? KEY_OF.continue : KEY_OF.pause,
      label: step === 'stopped.safe' ? 'continue re-encryption' : 'resume',
      event: { type: 'RESUME' },
    },
    {
      key: KEY_OF.again,
      label: step === 'reencrypt.liveReview' ? 'run live again' : 'retry',
      event: { type: 'RETRY' },
    },
    {
      key: KEY_OF.rollback,
      label: step === 'preflight.blocked' ? 'repair: re-add that key as previous' : 'roll back (re-add old key)',
      event: { type: 'START_ROLLBACK' },
    },
    { key: KEY_OF.back, label: 'back', event: { type: 'CANCEL' } },
    { key: KEY_OF.stop, label: 'stop (safe)', event: { type: 'ABORT' } },
    { key: KEY_OF.quit, label: 'quit', event: { type: 'QUIT' } },
  ];
  const seen = new Set<string>();
  return candidates
    .filter((spec) => {
      if (seen.has(spec.key) || !can(spec.event)) return false;
      seen.add(spec.key);
      return true;
    })
    .map((spec) => {
      const label = OWN_LABELS.has(spec.event.type) ? undefined : runbookLabel?.(step, spec.event.type);
      const labelled = label ? { ...spec, label } : spec;
      // Enter is the step's main action: where y confirms and Enter means nothing else, Enter confirms too.
      return spec.key === KEY_OF.confirm && !seen.has('enter') ? { ...labelled, aliases: ['enter'] } : labelled;
    });
}

/** The actions' keys, as the footer writes them ("Enter/y"). */
export function keysOf(spec: Pick<ActionSpec, 'key' | 'aliases'>): string[] {
  return [...(spec.aliases ?? []), spec.key];
}
