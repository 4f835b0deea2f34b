// A hand-made runbook actor for screen tests: a fixed step and context, the events it accepts,
// and a record of what the UI sent. No machine runs.
import type { RunbookContext, UiEvent, UiEventType } from '../../src/machine/contract.js';
import { initialContext } from '../../src/machine/initial-context.js';
import type { RunbookActor, RunbookSnapshot } from '../../src/ui/app/runbook-actor.js';

export interface FakeActor extends RunbookActor {
  readonly sent: UiEvent[];
  /** Moves to another step/context and notifies subscribers, as the machine would. */
  set(value: RunbookSnapshot['value'], context?: Partial<RunbookContext>, accepts?: readonly UiEventType[]): void;
}

export function fakeActor(
  value: RunbookSnapshot['value'],
  context: Partial<RunbookContext> = {},
  accepts: readonly UiEventType[] = [],
): FakeActor {
  const listeners = new Set<() => void>();
  const make = (
    v: RunbookSnapshot['value'],
    ctx: Partial<RunbookContext>,
    acc: readonly UiEventType[],
  ): RunbookSnapshot => ({
    value: v,
    context: { ...initialContext({ rotationId: 'test' }), ...ctx },
    status: 'active',
    can: (event) => acc.includes(event.type),
  });
  let snapshot = make(value, context, accepts);
  const sent: UiEvent[] = [];
  return {
    sent,
    getSnapshot: () => snapshot,
    subscribe(observer) {
      const listener = () => observer.next?.(snapshot);
      listeners.add(listener);
      return { unsubscribe: () => listeners.delete(listener) };
    },
    send: (event) => {
      sent.push(event);
    },
    set(v, ctx = {}, acc = accepts) {
      snapshot = make(v, { ...snapshot.context, ...ctx }, acc);
      listeners.forEach((l) => l());
    },
  };
}
