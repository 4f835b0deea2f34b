// The runbook as data: phases, steps, the rules, and the Markdown rendering of all of it.
export { PHASE_ORDER, PHASE_TEXT } from './phases.js';
export { RUNBOOK_STEPS, QUIT_TEXT, stepText } from './steps.js';
export { GUARD_TEXT, type GuardName } from './guards.js';
export { renderRunbookMarkdown } from './render-markdown.js';
export type { PhaseText, StepAction, StepText } from './types.js';
