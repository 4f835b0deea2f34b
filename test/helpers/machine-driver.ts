// The one way tests drive the runbook machine: start it on given effects, wait for a step (with an
// error that says where it is instead and why), send the operator's events.
import { createActor, waitFor, type Actor } from 'xstate';
import { stepIdOf, type Effects, type RunbookInput, type StepId, type UiEvent } from '../../src/machine/contract.js';
import { createRunbookMachine, type RunbookMachine } from '../../src/machine/runbook-machine.js';

export interface Operator {
  actor: Actor<RunbookMachine>;
  step(): StepId;
  /** Resolves when the machine is at `step`; fails after `timeout` ms naming the step it is at and its error. */
  at(step: StepId, timeout?: number): Promise<void>;
  send(...events: UiEvent[]): void;
}

/**
 * `defaultTimeout`: 2 s suits fake effects, which answer at once; effects on a real database get
 * the default 60 s.
 */
export function operate(effects: Effects, input: Partial<RunbookInput> = {}, defaultTimeout = 60_000): Operator {
  const actor = createActor(createRunbookMachine(effects), { input: { rotationId: 'rot-test', ...input } });
  actor.start();
  const step = () => stepIdOf(actor.getSnapshot().value as string);
  return {
    actor,
    step,
    async at(target, timeout = defaultTimeout) {
      try {
        await waitFor(actor, (s) => stepIdOf(s.value as string) === target, { timeout });
      } catch {
        const ctx = actor.getSnapshot().context;
        throw new Error(
          `expected step ${target}, but the machine is at ${step()} (error: ${ctx.error?.message ?? 'none'}; hint: ${ctx.error?.hint ?? 'none'})`,
        );
      }
    },
    send: (...events) => events.forEach((event) => actor.send(event)),
  };
}
