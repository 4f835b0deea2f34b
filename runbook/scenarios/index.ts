// The rehearsal scenarios, in the order `--list-scenarios` shows them. They live in runbook/, not
// next to the sandbox, because they are what runbook/ is: data and words for people (briefings,
// what to watch for, pass criteria, lessons), written and reviewed with the runbook text they teach.
// The sandbox (src/sandbox/) only interprets them: it seeds their setup and grades their criteria.
import { compromisedKey } from './compromised-key.js';
import { happyPath } from './happy-path.js';
import { removedTooEarly } from './removed-too-early.js';
import { rollingDeploy } from './rolling-deploy.js';
import { strayOldKey } from './stray-old-key.js';
import { tamperedRow } from './tampered-row.js';
import type { Scenario, ScenarioName } from './types.js';

export type {
  CriterionId,
  CriterionLesson,
  PassCriterion,
  ScenarioPath,
  Scenario,
  ScenarioName,
  SetupStep,
} from './types.js';

export const SCENARIOS: readonly Scenario[] = [
  happyPath,
  rollingDeploy,
  strayOldKey,
  tamperedRow,
  removedTooEarly,
  compromisedKey,
];

export function listScenarios(): readonly Scenario[] {
  return SCENARIOS;
}

/** The scenario with this name, or undefined. */
export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

export function scenarioNames(): ScenarioName[] {
  return SCENARIOS.map((s) => s.name);
}
