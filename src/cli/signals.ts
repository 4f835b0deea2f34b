// Ctrl-C and SIGTERM become an AbortSignal handed down to the work: the batch in flight commits or
// rolls back and a summary is printed. A second Ctrl-C means "now": the caller's exitNow runs.
import { CancelledError } from '../errors.js';

export interface SignalScope {
  readonly signal: AbortSignal;
  dispose(): void;
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
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
