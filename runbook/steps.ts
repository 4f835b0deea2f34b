// Every step of the runbook with its text, keyed by the machine's step ids. The type makes a
// missing or extra step a compile error, so the machine and the text cannot drift apart.
import type { StepId } from '../src/machine/contract.js';
import type { StepText } from './types.js';
import { PREFLIGHT_STEPS } from './steps-preflight.js';
import { GENERATE_DEPLOY_STEPS } from './steps-generate-deploy.js';
import { REENCRYPT_VERIFY_STEPS } from './steps-reencrypt-verify.js';
import { REMOVE_AND_SIDE_STEPS } from './steps-remove-side.js';
import { EMERGENCY_STEPS } from './steps-emergency.js';

const ALL = {
  ...PREFLIGHT_STEPS,
  ...GENERATE_DEPLOY_STEPS,
  ...REENCRYPT_VERIFY_STEPS,
  ...REMOVE_AND_SIDE_STEPS,
  ...EMERGENCY_STEPS,
};

// Both directions: every step has text, and no text names a step the machine does not have.
type Exact<T, K extends PropertyKey> = T & Record<Exclude<keyof T, K>, never>;
export const RUNBOOK_STEPS: Record<StepId, StepText> = ALL satisfies Exact<typeof ALL, StepId>;

/** Quitting is accepted at every step (the machine's root handles QUIT). */
export const QUIT_TEXT =
  '`q` quits at any step. What is done stays done; run kek-rotate again and it offers to continue.';

export function stepText(step: StepId): StepText {
  return RUNBOOK_STEPS[step];
}
