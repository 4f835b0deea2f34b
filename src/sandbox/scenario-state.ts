// What a scenario's setup planted, remembered for the debrief (ids, key ids, fingerprints; no values).
import type { Scenario } from '../../runbook/scenarios/types.js';

export interface ExposedCredential {
  readonly id: string;
  readonly name: string;
  readonly providerType: string;
}

export interface ScenarioState {
  readonly scenario: Scenario;
  /** When the trainee began (the rehearsal restarts it when the briefing is dismissed): timed criteria count from here. */
  startedAt: number;
  /** The key ids every replica ran with when the trainee took over (after the setup), primary first. */
  startKeyIds: string[];
  /** Rows moved onto a key no replica has (stray-old-key). */
  strayIds: string[];
  strayKeyId?: string;
  /** Corrupted rows and the exact bytes they were left with (tampered-row). */
  tampered: Map<string, Buffer>;
  /** The key removed too early (removed-too-early). */
  oldKeyId?: string;
  /** The leaked key (compromised-key) and the rows it protected at the start. */
  compromisedKeyId?: string;
  exposed: ExposedCredential[];
  /** Row id -> fingerprint of its data key at the start, to prove re-encryption used fresh ones. */
  dekFingerprints: Map<string, string>;
}

export function emptyScenarioState(scenario: Scenario, startedAt: number): ScenarioState {
  return {
    scenario,
    startedAt,
    startKeyIds: [],
    strayIds: [],
    tampered: new Map(),
    exposed: [],
    dekFingerprints: new Map(),
  };
}
