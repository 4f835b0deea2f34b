// The runbook machine's Effects, for real: against a production database, and in a rehearsal sandbox.
export { createProductionEffects, type ProductionEffectsOptions, type EngineChoice } from './production-effects.js';
export { createSandboxEffects, type SandboxEffectsOptions } from './sandbox-effects.js';
export { type EngineTuning } from './database-effects.js';
export type { EnvironmentSource } from './production-keys.js';
