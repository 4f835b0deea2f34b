// Ctrl-C and SIGTERM become an AbortSignal handed down to the work: the batch in flight commits or
// rolls back and a summary is printed. A second Ctrl-C means "now": the caller's exitNow runs.
// The launcher (bin/launch.js) catches signals from the process's first instant, before this module
// is even loaded, and hands them over here: the scope then starts out aborted, so no command starts.
import { CancelledError } from '../errors.js';

export interface SignalScope {
  readonly signal: AbortSignal;
  dispose(): void;
}

/** Signals the launcher caught before the CLI was loaded, waiting for the next scope. */
const early: NodeJS.Signals[] = [];

/** The launcher's hand-over: the signals that arrived before the CLI was loaded, oldest first. */
export function adoptEarlySignals(signals: readonly NodeJS.Signals[]): void {
  early.push(...signals);
}

export function abortOnSignals(onFirst: (signal: NodeJS.Signals) => void, exitNow: () => void): SignalScope {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      exitNow();
      return;
    }
    onFirst(signal);
    controller.abort(new CancelledError(`Cancelled by ${signal}`));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  // A signal from before the CLI was loaded: the scope starts aborted (the launcher itself exits
  // on a second one), and the caller stops before any work begins.
  const first = early.splice(0)[0];
  if (first !== undefined)
    controller.abort(new CancelledError(`Cancelled by ${first} before the command started; nothing was done`));
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
