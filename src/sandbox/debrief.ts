// The end of a rehearsal: every row decrypted with every key the session used and compared with what
// the simulated application last wrote, time per phase, the scenario's pass criteria judged on what
// the trainee did, and a lesson made of what the criteria teach for the outcome they had.
import { SCENARIOS } from '../../runbook/scenarios/index.js';
import type { PassCriterion } from '../../runbook/scenarios/types.js';
import { evaluateCriterion, type CriterionResult } from './criteria.js';
import { lessonLines, type LessonLine } from './lesson.js';
import {
  phaseTimings,
  sessionsFromSteps,
  type JournalEntryLike,
  type PhaseTiming,
  type SessionTiming,
} from './phase-timings.js';
import { auditRows, type UnreadableFact } from './row-audit.js';
import type { Sandbox } from './sandbox.js';
import type { ExposedCredential } from './scenario-state.js';
import { traineeRecord } from './trainee-record.js';

export interface ReplicaReadFailures {
  readonly replica: string;
  readonly count: number;
  readonly keyIds: string[];
}

export interface Debrief {
  readonly scenario: { name: string; title: string; goal: string } | undefined;
  readonly passed: boolean;
  readonly criteria: CriterionResult[];
  /** What the criteria teach, failed ones first; empty when none has anything to say. */
  readonly lessons: LessonLine[];
  /** The lessons as one paragraph (undefined when there are none). */
  readonly lesson: string | undefined;
  readonly rows: { total: number; nulls: number; byKeyId: Record<string, number>; targetKeyId: string };
  readonly lostWrites: string[];
  /** Rows the application wrote that disappeared without it deleting them. */
  readonly missingRows: string[];
  readonly unreadable: UnreadableFact[];
  readonly leftOnOldKey: { id: string; keyId: string | undefined }[];
  readonly strandedByDeployedConfig: { id: string; keyId: string | undefined }[];
  readonly replicaReadFailures: ReplicaReadFailures[];
  /** As the summary screen shows them (same stamps, same computation); per session when there were several. */
  readonly phases: PhaseTiming[];
  readonly elapsedMs: number;
  /** compromised-key: provider keys that were readable with the leaked key; rotate each at its provider. */
  readonly credentialsToRotate: ExposedCredential[];
}

export interface DebriefOptions {
  /**
   * The machine's phase start stamps of every interactive session, in order (the rehearsal passes
   * them); without them they are rebuilt from the steps the sandbox effects recorded.
   */
  readonly sessions?: readonly SessionTiming[] | undefined;
}

// Without a scenario, a rehearsal is judged as the standard rotation.
const DEFAULT_CRITERIA: readonly PassCriterion[] = SCENARIOS.find((s) => s.name === 'happy-path')!.passCriteria;

function readFailuresByReplica(sandbox: Sandbox): ReplicaReadFailures[] {
  const byReplica = new Map<string, { count: number; keyIds: Set<string> }>();
  for (const failure of sandbox.app?.readFailures() ?? []) {
    const entry = byReplica.get(failure.replica) ?? { count: 0, keyIds: new Set<string>() };
    entry.count++;
    entry.keyIds.add(failure.keyId ?? '?');
    byReplica.set(failure.replica, entry);
  }
  return [...byReplica].map(([replica, { count, keyIds }]) => ({ replica, count, keyIds: [...keyIds].sort() }));
}

async function credentialsToRotate(sandbox: Sandbox): Promise<ExposedCredential[]> {
  const state = sandbox.scenario;
  if (!state?.compromisedKeyId) return [];
  const known = new Map(state.exposed.map((c) => [c.id, c]));
  // Values the application wrote under the leaked key before it was gone were exposed too.
  const later = sandbox.writtenUnder(state.compromisedKeyId).filter((id) => !known.has(id));
  if (later.length > 0) {
    const { rows } = await sandbox.db.query<{ id: string; name: string; provider_type: string }>(
      'SELECT id::text AS id, name, provider_type FROM llm_providers WHERE id = ANY($1::uuid[])',
      [later],
    );
    rows.forEach((r) => known.set(r.id, { id: r.id, name: r.name, providerType: r.provider_type }));
  }
  return [...known.values()];
}

/**
 * Judges the session. Stops the simulated application first, so the rows hold still while they are
 * checked. `journal` (the rotation's journal entries) is the evidence of what was reported.
 */
export async function debrief(
  sandbox: Sandbox,
  journal?: readonly JournalEntryLike[],
  options: DebriefOptions = {},
): Promise<Debrief> {
  await sandbox.app?.stop();
  const endedAt = sandbox.now();
  const audit = await auditRows(sandbox);
  const facts = { sandbox, audit, journal, endedAt, trainee: traineeRecord(sandbox, journal) };
  const scenario = sandbox.scenario?.scenario;
  const passCriteria = scenario?.passCriteria ?? DEFAULT_CRITERIA;
  const criteria = passCriteria.map((c) => evaluateCriterion(facts, c));
  const passed = criteria.every((c) => c.outcome !== 'failed');
  const lessons = lessonLines(criteria, passCriteria);
  const sessions = options.sessions ?? sessionsFromSteps(sandbox.steps(), endedAt);
  return {
    scenario: scenario && { name: scenario.name, title: scenario.title, goal: scenario.goal },
    passed,
    criteria,
    lessons,
    lesson: lessons.length > 0 ? lessons.map((l) => l.text).join(' ') : undefined,
    rows: { total: audit.total, nulls: audit.nulls, byKeyId: audit.byKeyId, targetKeyId: audit.targetKeyId },
    lostWrites: audit.lostWrites,
    missingRows: audit.missing,
    unreadable: audit.unreadable,
    leftOnOldKey: audit.leftOnOtherKey,
    strandedByDeployedConfig: audit.strandedByDeployedConfig,
    replicaReadFailures: readFailuresByReplica(sandbox),
    phases: phaseTimings(sessions, { repairScenario: scenario?.runbookPath === 'repair-then-rotate' }),
    elapsedMs: endedAt - (sandbox.scenario?.startedAt ?? sandbox.startedAt),
    credentialsToRotate: await credentialsToRotate(sandbox),
  };
}
