// Quitting while a live run writes asks once: q or Ctrl-C first shows the question, a second q, y
// or Ctrl-C quits (the batch in flight commits or rolls back either way). A shared store, because
// Ctrl-C reaches the session (raw mode input or SIGINT) and q reaches the screen.
import type { StepId } from '../machine/contract.js';
import type { SnapshotObserver, SnapshotSource } from './use-actor-snapshot.js';

/** Steps in which the tool is writing rows. */
export const LIVE_STEPS: readonly StepId[] = ['reencrypt.live', 'emergency.reencrypting'];

export class QuitGuard implements SnapshotSource<boolean> {
  #asking = false;
  readonly #observers = new Set<SnapshotObserver<boolean>>();

  /** 'ask' when the question must be shown first, 'quit' when quitting may go ahead. */
  request(step: StepId): 'ask' | 'quit' {
    if (this.#asking || !LIVE_STEPS.includes(step)) return 'quit';
    this.#set(true);
    return 'ask';
  }

  /** The operator chose to keep running, or the live run ended by itself. */
  dismiss(): void {
    if (this.#asking) this.#set(false);
  }

  getSnapshot(): boolean {
    return this.#asking;
  }

  subscribe(observer: SnapshotObserver<boolean>): { unsubscribe(): void } {
    this.#observers.add(observer);
    return { unsubscribe: () => this.#observers.delete(observer) };
  }

  #set(asking: boolean): void {
    this.#asking = asking;
    for (const observer of this.#observers) observer.next?.(asking);
  }
}
