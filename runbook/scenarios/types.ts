// The shape of a rehearsal scenario: plain data. The sandbox (src/sandbox/apply-scenario.ts)
// interprets `setup`, and the debrief (src/sandbox/criteria.ts) evaluates `passCriteria`; the
// lesson is put together from the lessons of the criteria that passed and failed (src/sandbox/lesson.ts).

export type ScenarioName =
  'happy-path' | 'rolling-deploy' | 'stray-old-key' | 'tampered-row' | 'removed-too-early' | 'compromised-key';

/**
 * Which way through the runbook the scenario is meant to take; the CLI may start the machine there.
 * Finer than the machine's own path (src/machine/context.ts: rotate / emergency / rollback): it
 * tells a staged deploy and a repair from the standard rotation, as the debrief grades them.
 */
export type ScenarioPath = 'standard' | 'staged-deploy' | 'repair-then-rotate' | 'rollback' | 'emergency';

/** One change the scenario makes to the fresh sandbox before the trainee starts. */
export type SetupStep =
  /** Deploys reach one replica at a time, `stepMs` apart. */
  | { readonly kind: 'rolling-deploys'; readonly stepMs: number }
  /** `count` rows moved onto `keyId`, a key no replica has; the trainee holds it in the archive. */
  | { readonly kind: 'stray-rows'; readonly keyId: string; readonly count: number }
  /** `count` stored values corrupted (one ciphertext character changed). */
  | { readonly kind: 'tamper-rows'; readonly count: number }
  /** A rotation to `newKeyId` got `fractionMigrated` of the way, then the old key was removed from the deploy. */
  | { readonly kind: 'old-key-removed-early'; readonly newKeyId: string; readonly fractionMigrated: number }
  /** The current primary key has leaked. */
  | { readonly kind: 'compromised-key' };

export type CriterionId =
  /** The path: the new key deployed decrypt-only (2a) and made primary only once every replica had it (2b). */
  | 'staged-deploy'
  /** The path: the emergency path (e at preflight), not the standard rotation. */
  | 'emergency-path'
  /** The path: the rows on a stray key moved onto a configured key (with the archived key) before any new key was deployed. */
  | 'stray-rows-repaired'
  | 'no-lost-writes'
  | 'no-unreadable-rows'
  | 'all-rows-on-deployed-primary'
  | 'old-key-removed'
  | 'readable-by-deployed-config'
  | 'no-replica-read-failures'
  | 'tampered-row-untouched'
  | 'tampered-row-reported'
  | 'old-key-redeployed'
  | 'no-read-failures-after-rollback'
  | 'fresh-data-keys'
  | 'compromised-key-contained';

/** What the debrief teaches about one criterion, for the outcome it had (absent: nothing to say). */
export interface CriterionLesson {
  /** Said only when the trainee did it: never a lesson about something they did not do. */
  readonly passed?: string;
  /** Said when it failed: what went wrong and what to do instead. */
  readonly failed?: string;
}

export interface PassCriterion {
  readonly id: CriterionId;
  /** What the trainee must achieve, as shown in the debrief. */
  readonly description: string;
  /** For compromised-key-contained: the time allowed from the start of the scenario (the target shown beside the time taken). */
  readonly withinMinutes?: number;
  readonly lesson?: CriterionLesson;
}

export interface Scenario {
  readonly name: ScenarioName;
  readonly title: string;
  /** One sentence, shown at the start. */
  readonly goal: string;
  /** What the trainee is told before starting: the situation, not the answer. */
  readonly briefing: readonly string[];
  readonly runbookPath: ScenarioPath;
  readonly setup: readonly SetupStep[];
  /** The path and decisions the scenario is about come first, then what must be true of the data. */
  readonly passCriteria: readonly PassCriterion[];
}
