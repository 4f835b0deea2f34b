// Footer labels come from the runbook text (one source); tests look them up the same way.
import { stepText } from '../../runbook/index.js';
import type { StepId, UiEventType } from '../../src/machine/contract.js';

export function label(step: StepId, event: UiEventType): string {
  const found = stepText(step).actions.filter((a) => a.event === event);
  if (found.length !== 1) throw new Error(`runbook step ${step} has ${found.length} actions for ${event}`);
  return found[0]!.label;
}
