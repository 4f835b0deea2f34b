// The runbook machine's public face: the contract (types, step ids, SecretKey) and the machine factory.
export * from './contract.js';
export { createRunbookMachine, runbookMachine, type RunbookMachine } from './runbook-machine.js';
export { effectActors, missingEffects } from './actors.js';
export { removalRefusals } from './removal-check.js';
export { analysePreflight, findStrayKeys } from './preflight-analysis.js';
