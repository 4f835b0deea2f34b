// Starts the interactive runbook in the terminal: renders the App with Ink, resolves with an exit
// code when the machine reaches its final state or the operator forces a quit. Never exits the process.
import { render, renderToString, useInput } from 'ink';
import { enterAlternateScreen, keepScrollback } from './alternate-screen.js';
import { FillScreen } from './components/FillScreen.js';
import { createActor } from 'xstate';
import { UserError } from '../errors.js';
import { createRunbookMachine } from '../machine/runbook-machine.js';
import { stepIdOf, type Effects, type RunbookContext, type RunbookInput, type StepId } from '../machine/contract.js';
import { App, type AppProps } from './App.js';
import type { RunbookActor, RunbookSnapshot } from './app/runbook-actor.js';
import { colorEnabled, ThemeProvider } from './theme.js';
import { QuitGuard } from './quit-guard.js';
import { ReadProgressContext } from './use-read-progress.js';

/** An actor the caller made (tests, the sandbox) or the effects to build the real machine with. */
export type RunbookSource =
  | { readonly actor: RunbookActor & { start?(): unknown; stop?(): unknown } }
  | { readonly effects: Effects; readonly input: RunbookInput };

export type RunInteractiveOptions = RunbookSource &
  Omit<AppProps, 'actor'> & {
    readonly stdout?: NodeJS.WriteStream;
    readonly stdin?: NodeJS.ReadStream;
    readonly stderr?: NodeJS.WriteStream;
    /** Defaults to NO_COLOR from the environment. */
    readonly color?: boolean;
    /** The CLI's cancellation (SIGINT/SIGTERM): treated like Ctrl-C. */
    readonly signal?: AbortSignal;
    /** Told, once the screen is gone, the last step before the end and the context there (ids and counts). */
    readonly onEnd?: ((lastStep: StepId | undefined, context: RunbookContext) => void) | undefined;
  };

/** Steps after which quitting means the job was finished, not abandoned. */
const FINISHED_STEPS: readonly StepId[] = ['done.summary', 'emergency.checklist'];

/** How a session ended; the CLI turns it into an exit code (the UI knows no exit codes). */
export type InteractiveEnd = 'finished' | 'cancelled' | 'failed';

export function endOfRun(status: RunbookSnapshot['status'], lastStepBeforeQuit: StepId | undefined): InteractiveEnd {
  if (status === 'error') return 'failed';
  if (status === 'done' && lastStepBeforeQuit && FINISHED_STEPS.includes(lastStepBeforeQuit)) return 'finished';
  return 'cancelled';
}

export async function runInteractive(options: RunInteractiveOptions): Promise<InteractiveEnd> {
  const stdin = options.stdin ?? process.stdin;
  if (!stdin.isTTY) {
    // Ink needs raw key presses; without a terminal the runbook would hang or crash.
    throw new UserError(
      'The interactive runbook needs a terminal (stdin is not a TTY).',
      'Use the headless commands instead: kek-rotate generate-key, kek-rotate reencrypt [--dry-run], kek-rotate verify. See kek-rotate help.',
    );
  }
  const actor =
    'actor' in options ? options.actor : createActor(createRunbookMachine(options.effects), { input: options.input });
  let lastStep: StepId | undefined;
  // The last screen before the end (not the bare "quit" state): printed on the normal screen after.
  let lastShown: RunbookSnapshot | undefined;
  const track = (snapshot: RunbookSnapshot) => {
    const step = stepIdOf(snapshot.value);
    if (step !== 'quit') {
      lastStep = step;
      lastShown = snapshot;
    }
  };
  track(actor.getSnapshot());

  const stdout = options.stdout ?? process.stdout;
  const color = options.color ?? colorEnabled(process.env);
  /** A screen as plain text at the terminal's width, without colour (it goes to scrollback). */
  const lastFrameOf = (snapshot: RunbookSnapshot): string =>
    renderToString(
      <ThemeProvider color={false}>
        <App actor={frozen(snapshot)} stepText={options.stepText} target={options.target} sandbox={options.sandbox} />
      </ThemeProvider>,
      { columns: stdout.columns ?? 80 },
    );

  return await new Promise<InteractiveEnd>((resolve) => {
    let settled = false;
    let quitRequests = 0;
    const finish = (end: InteractiveEnd) => {
      if (settled) return;
      settled = true;
      subscription.unsubscribe();
      options.signal?.removeEventListener('abort', onInterrupt);
      instance.unmount();
      screen.leave(lastShown ? lastFrameOf(lastShown) : undefined);
      options.onEnd?.(lastStep, actor.getSnapshot().context);
      resolve(end);
    };
    // Ctrl-C asks the machine to quit (leaving a state aborts its work); a second one stops it outright.
    // During a live run the first one only asks (as q does), and the question does not count.
    const quitGuard = new QuitGuard();
    const onInterrupt = () => {
      if (quitGuard.request(stepIdOf(actor.getSnapshot().value)) === 'ask') return;
      quitRequests += 1;
      if (quitRequests === 1) actor.send({ type: 'QUIT' });
      else {
        actor.stop?.();
        finish('cancelled');
      }
    };
    // XState reports the end through `status`; an actor error ends the run as a bug.
    const onSnapshot = () => {
      const snapshot = actor.getSnapshot();
      track(snapshot);
      if (snapshot.status !== 'active') finish(endOfRun(snapshot.status, lastStep));
    };
    const subscription = actor.subscribe({ next: onSnapshot, error: onSnapshot, complete: onSnapshot });
    const screen = enterAlternateScreen(stdout);
    const instance = render(
      <ThemeProvider color={color}>
        <ReadProgressContext.Provider value={'effects' in options ? options.effects.readProgress : undefined}>
          <FillScreen>
            <App
              actor={actor}
              stepText={options.stepText}
              target={options.target}
              sandbox={options.sandbox}
              activity={options.activity}
              quitGuard={quitGuard}
            />
          </FillScreen>
        </ReadProgressContext.Provider>
        <CtrlC onInterrupt={onInterrupt} />
      </ThemeProvider>,
      {
        stdout: keepScrollback(stdout),
        stdin,
        stderr: options.stderr ?? process.stderr,
        exitOnCtrlC: false,
        patchConsole: false,
      },
    );
    options.signal?.addEventListener('abort', onInterrupt, { once: true });
    // Starting an actor twice is a no-op, so a caller may pass one already running.
    actor.start?.();
    onSnapshot();
  });
}

/** In raw mode Ctrl-C arrives as input, not as SIGINT. */
function CtrlC({ onInterrupt }: { onInterrupt: () => void }) {
  useInput((input, key) => {
    if (key.ctrl && input === 'c') onInterrupt();
  });
  return null;
}

/** An actor that stays on one snapshot: to draw a screen once more, with no machine behind it. */
function frozen(snapshot: RunbookSnapshot): RunbookActor {
  return { getSnapshot: () => snapshot, subscribe: () => ({ unsubscribe: () => undefined }), send: () => undefined };
}
