// The rehearsal scenarios, in the order `--list-scenarios` shows them.
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
