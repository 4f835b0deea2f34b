// Drives the runbook machine on fake effects (test/machine/fake-effects.ts): the world the effects
// answer from, and the one machine driver (test/helpers/machine-driver.ts) on top of it.
import type { RunbookInput } from '../../src/machine/contract.js';
import { operate, type Operator } from '../helpers/machine-driver.js';
import { fakeEffects, makeWorld, type FakeWorld } from './fake-effects.js';

export interface Driver extends Operator {
  world: FakeWorld;
}

export function drive(partial: Partial<FakeWorld> = {}, input: Partial<RunbookInput> = {}): Driver {
  const world = makeWorld(partial);
  return { world, ...operate(fakeEffects(world), input, 2000) };
}
