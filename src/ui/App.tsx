// The interactive runbook: subscribes to the runbook actor, draws the screen for the current step,
// and turns key presses into the events the machine accepts. The machine decides; React draws.
import { useEffect, useMemo, useRef } from 'react';
import { stepText as runbookStepText } from '../../runbook/index.js';
import { formatKey } from '../crypto/key.js';
import { failureTotal } from '../engine/events.js';
import { rowsByKeyId, stepIdOf, type RunbookContext, type StepId } from '../machine/contract.js';
import { describeWrongKey, verdictOf } from '../engine/prove-keys.js';
import { skippedLinesSentence } from '../journal/journal-reader.js';
import { actionsFor, keysOf, type ActionSpec } from './app/step-actions.js';
import { GUARD_HINT } from '../../runbook/guards.js';
import { phaseBarFor, PHASE_TITLES, rotationPhaseOf, type RotationPhase } from './app/phase-view.js';
import type { RunbookActor } from './app/runbook-actor.js';
import { deployLabel, screenOf } from './app/screen-of-step.js';
import { phaseTimes, progressFor, snippetConfigFor, verifyColumnsFor } from './app/view-models.js';
import type { ScreenChrome } from './components/ScreenFrame.js';
import type { StepTextContent } from './components/StepText.js';
import { DeployChooseScreen } from './screens/DeployChooseScreen.js';
import { DeployScreen } from './screens/DeployScreen.js';
import { GenerateScreen } from './screens/GenerateScreen.js';
import { PreflightScreen } from './screens/PreflightScreen.js';
import { ReencryptScreen } from './screens/ReencryptScreen.js';
import { StoppedScreen } from './screens/StoppedScreen.js';
import { SummaryScreen } from './screens/SummaryScreen.js';
import { VerifyScreen } from './screens/VerifyScreen.js';
import type { ScreenAction } from './use-action-keys.js';
import { useActorSnapshot, type SnapshotSource } from './use-actor-snapshot.js';
import { ReservedRowsContext } from './use-terminal-size.js';
import type { ActivityLine } from './activity-feed.js';
import { ActivityPanel } from './components/ActivityPanel.js';
import { QuitQuestion } from './components/QuitQuestion.js';
import { LIVE_STEPS, QuitGuard } from './quit-guard.js';
import { Box, Text } from 'ink';
import type { ReadTask } from '../db/read-progress.js';
import { useReadProgress } from './use-read-progress.js';
import { ReadProgressLine } from './components/ReadProgressLine.js';
import { useTheme } from './theme.js';

export interface AppProps {
  readonly actor: RunbookActor;
  /** The words for a step; defaults to the runbook's (runbook/), the source the Markdown is made from too. */
  readonly stepText?: ((step: StepId) => StepTextContent | undefined) | undefined;
  /** Where we are connected, already masked (e.g. "postgres://app:****@db/prod" or "sandbox"). */
  readonly target?: string | undefined;
  readonly sandbox?: boolean | undefined;
  /** Rehearsal: what the simulated application does, shown under the screen. */
  readonly activity?: SnapshotSource<readonly ActivityLine[]> | undefined;
  /** Asks before quitting a live run (shared with the session's Ctrl-C); one per App when absent. */
  readonly quitGuard?: QuitGuard | undefined;
}

const number = new Intl.NumberFormat('en-US');

export function App(props: AppProps) {
  const snapshot = useActorSnapshot(props.actor);
  // The session's guard (shared with its Ctrl-C), or one of this App's own, made once.
  const guard = useMemo(() => props.quitGuard ?? new QuitGuard(), [props.quitGuard]);
  const step = stepIdOf(snapshot.value);
  // A question asked during a live run does not outlive it (the run ended, or was paused).
  useEffect(() => {
    if (!LIVE_STEPS.includes(step)) guard.dismiss();
  }, [guard, step]);
  // Keyed by step: local UI state (revealed snippets, a half-typed confirmation, scroll) never
  // carries over into the next step.
  const stepScreen = <StepScreen key={step} {...props} guard={guard} />;
  const screen = LIVE_STEPS.includes(step) ? (
    <QuitQuestion guard={guard} onQuit={() => props.actor.send({ type: 'QUIT' })}>
      {stepScreen}
    </QuitQuestion>
  ) : (
    stepScreen
  );
  if (!props.activity) return screen;
  return (
    <ReservedRowsContext.Provider value={ACTIVITY_ROWS}>
      <Box flexDirection="column">
        {screen}
        <Activity source={props.activity} />
      </Box>
    </ReservedRowsContext.Provider>
  );
}

const ACTIVITY_ROWS = 3;

function Activity({ source }: { source: SnapshotSource<readonly ActivityLine[]> }) {
  const lines = useActorSnapshot(source);
  return <ActivityPanel lines={lines} height={ACTIVITY_ROWS - 1} />;
}

function StepScreen({
  actor,
  stepText = defaultStepText,
  target,
  sandbox = false,
  guard,
}: AppProps & { readonly guard: QuitGuard }) {
  const snapshot = useActorSnapshot(actor);
  const ctx = snapshot.context;
  const step = stepIdOf(snapshot.value);
  // Steps shared by several phases (an error step) keep the phase the operator was in.
  const lastPhase = useRef<RotationPhase | 'done'>('preflight');
  const phase = rotationPhaseOf(step) ?? lastPhase.current;
  lastPhase.current = phase;

  const specs = actionsFor(step, ctx, (event) => snapshot.can(event), runbookLabel);
  const actions: ScreenAction[] = specs
    .filter((spec) => spec.event.type !== 'WRITE_KEY_FILE' && spec.event.type !== 'LOAD_KEY_FILE')
    .map((spec) => ({
      key: spec.key,
      aliases: spec.aliases,
      label: spec.label,
      typeToConfirm: spec.typeToConfirm,
      run:
        spec.event.type === 'QUIT'
          ? () => guard.request(step) === 'quit' && actor.send({ type: 'QUIT' })
          : () => actor.send(spec.event),
    }));
  const writeFile = specs.find((spec) => spec.event.type === 'WRITE_KEY_FILE');
  const loadFile = specs.find((spec) => spec.event.type === 'LOAD_KEY_FILE');

  const newId = ctx.newKeyId ?? 'the new key';
  const oldId = ctx.oldKeyId ?? ctx.configured?.primaryKeyId ?? 'the old key';
  const chrome: ScreenChrome = {
    header: {
      rotation: ctx.newKeyId && ctx.oldKeyId ? `${ctx.oldKeyId} → ${ctx.newKeyId}` : undefined,
      target,
      emergency: ctx.path === 'emergency',
      sandbox,
    },
    phases: phaseBarFor(phase),
    step: { ...(stepText?.(step) ?? { title: phase === 'done' ? 'Done' : PHASE_TITLES[phase] }), reading: READS[step] },
    error: ctx.error ? { message: ctx.error.message, hint: ctx.error.hint } : undefined,
    enterHint: enterHintFor(step, specs),
    // From the emergency path's first step (not during preflight, before the leaked key is known).
    notice:
      ctx.path === 'emergency' &&
      ctx.credentialListing !== 'idle' &&
      step !== 'emergency.checklist' &&
      step !== 'emergency.waitingForList' ? (
        <ListingNotice ctx={ctx} />
      ) : undefined,
  };

  const screen = screenOf(step, ctx);
  switch (screen.kind) {
    case 'preflight':
      return (
        <PreflightScreen
          {...chrome}
          inventory={ctx.inventory.length > 0 ? ctx.inventory : undefined}
          primaryKeyId={ctx.configured?.primaryKeyId}
          previousKeyId={ctx.configured?.previousKeyId}
          warnings={ctx.warnings}
          assessment={
            step === 'preflight.needKey'
              ? needKeyAssessment(ctx)
              : assessmentOf(step, ctx.resumeTarget, ctx.resumePoint?.step, ctx.resumePoint?.skippedLines)
          }
          blocked={blockedOf(step, ctx)}
          onLoadKeyFile={loadFile ? (path) => actor.send({ type: 'LOAD_KEY_FILE', path }) : undefined}
          loadKeyPath={loadFile?.event.type === 'LOAD_KEY_FILE' ? loadFile.event.path : undefined}
          actions={actions}
        />
      );
    case 'generate': {
      const secret = ctx.newKeyId ? ctx.secretKeys[ctx.newKeyId] : undefined;
      return (
        <GenerateScreen
          {...chrome}
          // The material is read only when drawn, and only while revealed.
          newKey={secret ? { id: secret.id, value: () => formatKey(secret.reveal()) } : undefined}
          revealed={ctx.keyRevealed}
          keyFile={ctx.keyFile}
          defaultPath={writeFile?.event.type === 'WRITE_KEY_FILE' ? writeFile.event.path : undefined}
          onWriteFile={writeFile ? (path) => actor.send({ type: 'WRITE_KEY_FILE', path }) : undefined}
          actions={actions}
        />
      );
    }
    case 'deploy-choose':
      return <DeployChooseScreen {...chrome} newKeyId={newId} oldKeyId={oldId} actions={actions} />;
    case 'deploy': {
      const snippet = snippetConfigFor(ctx, screen.stage);
      const label = deployLabel(screen.stage, newId, oldId);
      if (!snippet)
        return (
          <SummaryScreen
            {...chrome}
            title={label}
            lines={['The keys for this deploy are not known yet.']}
            actions={actions}
          />
        );
      return (
        <DeployScreen
          {...chrome}
          config={snippet.config}
          missingKeys={snippet.missing}
          stageLabel={label}
          actions={actions}
        />
      );
    }
    case 'reencrypt':
      return (
        <ReencryptScreen
          {...chrome}
          progress={progressFor(step, ctx)}
          paused={step === 'reencrypt.paused' || ctx.engine.paused}
          failures={ctx.failures}
          actions={actions}
        />
      );
    case 'verify':
      return (
        <VerifyScreen
          {...chrome}
          columns={verifyColumnsFor(ctx.verifySql, ctx.verifyDeep)}
          primaryKeyId={ctx.newKeyId ?? ctx.configured?.primaryKeyId ?? '?'}
          // "Verified" only once the deep check has answered: the counts alone passing says nothing
          // yet about whether every value decrypts with the new key (a problem in the counts shows at once).
          passed={
            ctx.verifyDeep !== undefined
              ? ctx.refusals.length === 0
              : ctx.verifySql && !ctx.verifySql.passed
                ? false
                : undefined
          }
          problems={ctx.refusals.length > 0 ? ctx.refusals : (ctx.verifySql?.problems ?? [])}
          actions={actions}
        />
      );
    case 'stopped':
      return (
        <StoppedScreen
          {...chrome}
          newKeyId={ctx.newKeyId}
          oldKeyId={ctx.oldKeyId}
          rowsByKeyId={ctx.countsReadAt === undefined ? undefined : rowsByKeyId(ctx.inventory)}
          readAt={ctx.countsReadAt === undefined ? undefined : new Date(ctx.countsReadAt)}
          actions={actions}
        />
      );
    case 'summary': {
      // Every live pass of the rotation (a pause and resume is two; a resumed rotation adds the earlier sessions'), not only the last one.
      const rotated = ctx.movedSoFar;
      const emergency = step === 'emergency.checklist';
      const times = phaseTimes(ctx.phaseStartedAt, emergency ? Date.now() : undefined);
      return (
        <SummaryScreen
          {...chrome}
          title={
            step === 'emergency.failed'
              ? 'The emergency path stopped on an error'
              : emergency
                ? `Compromised key ${oldId} removed`
                : step === 'quit'
                  ? 'Stopped'
                  : `Done: ${oldId} → ${newId}`
          }
          lines={
            step === 'emergency.failed' || step === 'quit'
              ? []
              : [
                  `Primary key: ${newId}. ${oldId} is no longer configured.`,
                  `Rows re-encrypted: ${number.format(rotated + ctx.movedEarlier)}${ctx.movedEarlier > 0 ? ` (${number.format(ctx.movedEarlier)} before this session)` : ''}. Failed: ${number.format(ctx.live ? failureTotal(ctx.live) : ctx.failures.length)}.`,
                  // The emergency phase is still under way on its checklist: timed up to now.
                  ...(times ? [`Time per phase: ${times}`] : []),
                ]
          }
          checklist={
            emergency
              ? {
                  credentials: ctx.credentials,
                  ticked: ctx.ticked,
                  onTick: (key) => actor.send({ type: 'TICK_CREDENTIAL', key }),
                  notes: checklistNotes(ctx),
                }
              : undefined
          }
          reminders={step === 'done.summary' ? doneReminders(ctx.path === 'emergency', oldId) : []}
          actions={actions}
        />
      );
    }
    default: {
      const _exhaustive: never = screen;
      return _exhaustive;
    }
  }
}

/** Why Enter does nothing at a step where no action takes it: the rule that holds it back, or what to do instead. */
export function enterHintFor(step: StepId, specs: readonly ActionSpec[]): string | undefined {
  if (specs.some((spec) => keysOf(spec).includes('enter'))) return undefined;
  const text = runbookStepText(step);
  const confirm = text.actions.find((a) => a.event === 'CONFIRM');
  if (confirm?.guard) return `${confirm.label}, once ${GUARD_HINT[confirm.guard]}`;
  if (specs.some((spec) => spec.event.type === 'CHOOSE_DEPLOY')) return 'choose how to deploy first: 1 or 2';
  if (specs.some((spec) => spec.event.type === 'PAUSE')) return 'the live run is going: p pauses it, a stops it safely';
  if (text.working) return 'nothing to confirm while the tool works; wait for it';
  const keys = specs.filter((spec) => spec.event.type !== 'QUIT').map((spec) => keysOf(spec).join('/'));
  return keys.length > 0
    ? `nothing to confirm here; the keys below choose (${keys.join(', ')})`
    : 'nothing to confirm here';
}

/** The whole-table read each working step waits on (its rows, rate and ETA are shown). */
const READS: Partial<Record<StepId, ReadTask>> = {
  'preflight.loading': 'inventory',
  'verify.counting': 'verify',
  'verify.deepCheck': 'verify',
  'remove.checking': 'verify',
  'emergency.counting': 'verify',
  'emergency.deepCheck': 'verify',
  'emergency.waitingForList': 'credentials',
};

/** The emergency listing, running beside the steps: where it is, on every screen of the path. */
function ListingNotice({ ctx }: { readonly ctx: RunbookContext }) {
  const read = useReadProgress('credentials');
  const theme = useTheme();
  const keyId = ctx.oldKeyId ?? 'the leaked key';
  if (ctx.credentialListing === 'failed') {
    return (
      <Text color={theme.tone('warn')}>
        ! Listing the credentials on {keyId} failed: the checklist will rest on the rows re-encrypted.
      </Text>
    );
  }
  if (ctx.credentialListing === 'done') {
    return (
      <Text color={theme.tone('muted')}>
        ✓ Credentials on {keyId} listed: {number.format(ctx.credentials.length)} (checklist at the end)
      </Text>
    );
  }
  return read ? (
    <ReadProgressLine read={read} />
  ) : (
    <Text color={theme.tone('muted')}>Listing the credentials on {keyId} in the background…</Text>
  );
}

function defaultStepText(step: StepId): StepTextContent {
  const text = runbookStepText(step);
  return {
    title: text.title,
    does: text.does,
    why: text.why,
    risks: text.risks,
    undo: text.undo,
    working: text.working,
  };
}

function runbookLabel(step: StepId, event: string): string | undefined {
  const matches = runbookStepText(step).actions.filter((a) => a.event === event);
  return matches.length === 1 ? matches[0]?.label : undefined;
}

/** The rotation under way that the tool lacks the new key of: which, where, and what each side needs. */
function needKeyAssessment(ctx: RunbookContext): string {
  const journal = ctx.resumePoint;
  const newId = ctx.newKeyId ?? '?';
  const oldId = ctx.oldKeyId ?? '?';
  const where = journal?.keyFile
    ? `the tool wrote it to ${journal.keyFile}`
    : 'it is in your secrets manager (the tool did not write it to a file)';
  return (
    `A rotation ${oldId} → ${newId} is under way${journal ? ` (journal: ${journal.step} at ${journal.time})` : ''}. ` +
    `The application must run with SECRETS_ENCRYPTION_KEY=${newId} and SECRETS_ENCRYPTION_KEY_PREVIOUS=${oldId}. ` +
    `This tool holds only ${oldId}: ${where}. Press l to load ${newId} from a file; it is never shown.` +
    (journal?.skippedLines ? ` ${skippedLinesSentence(journal.skippedLines)}` : '')
  );
}

/** Why preflight cannot go on, and the repair, for the two blocking steps. */
function blockedOf(step: StepId, ctx: RunbookContext): { reason: string; repair: string } | undefined {
  if (step === 'preflight.wrongKey') {
    const wrong = ctx.keyProofs.filter((proof) => verdictOf(proof) === 'wrong-key');
    return {
      reason: wrong.map(describeWrongKey).join('; '),
      repair: `Set ${wrong.map((p) => p.source).join(' and ')} to the key the application uses for ${wrong.map((p) => p.keyId).join(' and ')} (from your secrets manager), then check again. Nothing was generated or written.`,
    };
  }
  if (ctx.stray.length === 0) return undefined;
  return {
    reason: ctx.stray
      .map((s) => `${number.format(s.rows)} rows on ${s.keyId}, which is neither primary nor previous`)
      .join('; '),
    repair: `Configure ${ctx.stray[0]?.keyId} as SECRETS_ENCRYPTION_KEY_PREVIOUS (from your archive), finish moving those rows to the primary, then start the new rotation.`,
  };
}

function assessmentOf(
  step: StepId,
  target: string | undefined,
  journalStep: string | undefined,
  skippedLines?: readonly number[],
): string | undefined {
  if (step === 'preflight.loading' || step === 'preflight.readingJournal') return undefined;
  // Journal lines that are not entries kek-rotate wrote: the operator hears that they were not used.
  if (skippedLines && (step === 'preflight.resumeOffer' || step === 'preflight.ready')) {
    const base = assessmentOf(step, target, journalStep);
    return base === undefined ? undefined : `${base} ${skippedLinesSentence(skippedLines)}`;
  }
  if (step === 'preflight.resumeOffer') {
    return `A rotation is under way${journalStep ? ` (journal: last step ${journalStep})` : ''}${target ? `; it can continue at: ${target}` : ''}.`;
  }
  if (step === 'preflight.ready')
    return 'Ready: Enter starts a rotation; e starts the emergency path if the key leaked.';
  return undefined;
}

/** Where the emergency checklist came from and where it went, one line each. */
function checklistNotes(ctx: RunbookContext): { text: string; tone: 'ok' | 'warn' | 'muted' }[] {
  const notes: { text: string; tone: 'ok' | 'warn' | 'muted' }[] = [];
  if (ctx.credentialListingError) {
    notes.push({
      text: `The listing failed (${ctx.credentialListingError}): this list holds only the rows the re-encryption moved off the leaked key; a credential the application replaced meanwhile may be missing.`,
      tone: 'warn',
    });
  } else if (ctx.credentialsAdded > 0) {
    notes.push({
      text: `${number.format(ctx.credentialsAdded)} of them were written under the leaked key after the listing and found by the re-encryption.`,
      tone: 'muted',
    });
  }
  if (ctx.checklistFiles)
    notes.push({
      text: `Written (mode 0600): ${ctx.checklistFiles.markdown} and ${ctx.checklistFiles.csv}`,
      tone: 'ok',
    });
  else if (ctx.checklistFilesError)
    notes.push({
      text: `Not written to a file: ${ctx.checklistFilesError}. kek-rotate report still gives the list (from the journal).`,
      tone: 'warn',
    });
  return notes;
}

/** What to do with the old key after removal: archive a retired key, but never keep a leaked one with good keys. */
function doneReminders(leaked: boolean, oldId: string): string[] {
  return leaked
    ? [
        `${oldId} leaked: do not archive it with good keys; keep it only as your incident process requires.`,
        'If some data was not migrated, roll back: it re-adds the leaked key, so finish quickly.',
      ]
    : [`Archive ${oldId} in separate storage.`, 'If some data was not migrated, roll back: it re-adds the old key.'];
}
