// The events the machine accepts: what the UI sends (key presses) and what its actors send back.
import type { EngineEvent, RunSummary } from '../engine/events.js';
import type { DeployPlan, MachineError } from './context.js';

/** What the UI (or a test) sends. */
export type UiEvent =
  | { type: 'CONFIRM' }
  | { type: 'CANCEL' }
  | { type: 'REVEAL_KEY' }
  | { type: 'HIDE_KEY' }
  | { type: 'WRITE_KEY_FILE'; path: string }
  | { type: 'LOAD_KEY_FILE'; path: string }
  | { type: 'CHOOSE_PATH'; path: 'rotate' | 'emergency' }
  | { type: 'CHOOSE_DEPLOY'; plan: DeployPlan }
  | { type: 'PAUSE' }
  | { type: 'RESUME' }
  | { type: 'ABORT' }
  | { type: 'START_ROLLBACK' }
  | { type: 'RESUME_FROM_JOURNAL' }
  | { type: 'START_FRESH' }
  | { type: 'RETRY' }
  /** Emergency checklist: this credential (credentialKey) was rotated at its provider, or not after all. */
  | { type: 'TICK_CREDENTIAL'; key: string }
  | { type: 'QUIT' };

/** Sent by the engine actor to the machine (not by the UI). */
export type InternalEvent =
  | { type: 'ENGINE_EVENT'; event: EngineEvent }
  | { type: 'RUN_DONE'; summary: RunSummary }
  | { type: 'RUN_FAILED'; error: MachineError };

export type RunbookEvent = UiEvent | InternalEvent;
export type UiEventType = UiEvent['type'];
