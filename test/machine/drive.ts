// Drives the runbook machine in tests: start it on fake effects, wait for a step, send events.
import { createActor, waitFor, type Actor } from 'xstate';
import { createRunbookMachine, type RunbookMachine } from '../../src/machine/runbook-machine.js';
import { stepIdOf, type RunbookInput, type StepId, type UiEvent } from '../../src/machine/contract.js';
import { fakeEffects, makeWorld, type FakeWorld } from './fake-effects.js';

export interface Driver {
  world: FakeWorld;
  actor: Actor<RunbookMachine>;
  step(): StepId;
  at(step: StepId): Promise<void>;
  send(...events: UiEvent[]): void;
}

export function drive(partial: Partial<FakeWorld> = {}, input: Partial<RunbookInput> = {}): Driver {
  const world = makeWorld(partial);
  const actor = createActor(createRunbookMachine(fakeEffects(world)), { input: { rotationId: 'rot-test', ...input } });
  actor.start();
  const step = () => stepIdOf(actor.getSnapshot().value as string);
  return {
    world,
    actor,
    step,
    at: async (target) => {
      try {
        await waitFor(actor, (s) => stepIdOf(s.value as string) === target, { timeout: 2000 });
      } catch {
        throw new Error(
          `expected step ${target}, but the machine is at ${step()} (error: ${actor.getSnapshot().context.error?.message ?? 'none'})`,
        );
      }
    },
    send: (...events) => events.forEach((event) => actor.send(event)),
  };
}
