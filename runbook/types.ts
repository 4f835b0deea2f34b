// The shapes of the runbook's text: what an operator reads for each phase and step. The machine
// (src/machine) follows the same step ids; the Markdown runbook is rendered from the same data.
import type { GuardName } from './guards.js';

/** A key the operator can press at a step, and what it does. `event` is the machine event it sends. */
export interface StepAction {
  readonly event:
    | 'CONFIRM'
    | 'CANCEL'
    | 'REVEAL_KEY'
    | 'HIDE_KEY'
    | 'WRITE_KEY_FILE'
    | 'LOAD_KEY_FILE'
    | 'CHOOSE_PATH'
    | 'CHOOSE_DEPLOY'
    | 'PAUSE'
    | 'RESUME'
    | 'ABORT'
    | 'START_ROLLBACK'
    | 'RESUME_FROM_JOURNAL'
    | 'START_FRESH'
    | 'RETRY'
    | 'TICK_CREDENTIAL';
  readonly label: string;
  /** The rule that must hold for the action to be accepted, if any. */
  readonly guard?: GuardName;
}

export interface StepText {
  readonly title: string;
  /** What happens at this step, in one or two sentences. */
  readonly does: string;
  /** Why it is done this way. */
  readonly why?: string;
  /** What can go wrong, and what it looks like. */
  readonly risks?: string;
  /** How to undo it, or why there is nothing to undo. */
  readonly undo?: string;
  /** True for steps where the tool works and the operator waits. */
  readonly working?: boolean;
  readonly actions: readonly StepAction[];
}

export interface PhaseText {
  readonly title: string;
  /** Shown under the phase heading: the goal of the phase. */
  readonly goal: string;
  /** The number of a numbered phase (0-5); side paths have none. */
  readonly number?: number;
}
