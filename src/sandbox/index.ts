// The rehearsal sandbox's public surface: what the CLI (`rehearse`, `seed`), the machine's effects
// and the UI use. No React or Ink here.
export {
  createSandbox,
  DEFAULT_ROWS,
  INITIAL_KEY_ID,
  type Sandbox,
  type SandboxOptions,
  type StartAppOptions,
  type DeployStyle,
  type StepMark,
  type StepMarkInput,
} from './sandbox.js';
export {
  startSimulatedApp,
  type SimulatedApp,
  type SimulatedAppOptions,
  type AppOperation,
  type DeployRecord,
  type ReadFailureRecord,
  type ReplicaView,
} from './simulated-app.js';
export { describeAppEvent, type AppEvent, type AppEventListener, type ReplicaStats } from './app-events.js';
export { describeConfig, environmentOf, keyIdsOf, ringOf, type DeployConfig } from './deploy-config.js';
export { applyScenario } from './apply-scenario.js';
export { debrief, type Debrief, type DebriefOptions, type ReplicaReadFailures } from './debrief.js';
export type { LessonLine } from './lesson.js';
export type { CriterionResult, CriterionOutcome } from './criteria.js';
export type { JournalEntryLike, PhaseTiming, SessionTiming } from './phase-timings.js';
export type { ScenarioState, ExposedCredential } from './scenario-state.js';
export { seedStagingDatabase, type SeedOptions, type SeedResult } from './seed-staging.js';
export { generateProviders, FIXTURE_MARK, DEFAULT_SEED, type ProviderFixture } from './fixtures.js';
export {
  listScenarios,
  findScenario,
  scenarioNames,
  type Scenario,
  type ScenarioName,
} from '../../runbook/scenarios/index.js';
export { applyDeployByIds, type KeyIdsConfig } from './deploy-by-ids.js';
export { followUpOf, type FollowUp } from './follow-up.js';
