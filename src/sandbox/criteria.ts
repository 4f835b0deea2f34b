// The pass criteria a scenario names (runbook/scenarios), each a check over the debrief's facts.
// A criterion passes only on evidence that the trainee did it: one about the effect of a change
// (no value lost, the damaged row untouched) is "not-checked" when the trainee changed nothing, and
// one about the path taken fails without a record of that path. Rows a scenario planted on purpose
// are judged by their own criteria, and every sentence about the others says so, so the debrief's
// figures add up with its row counts.
import type { CriterionId, PassCriterion } from '../../runbook/scenarios/types.js';
import { dekFingerprint } from './dek-fingerprint.js';
import { everDeployed, firstTimeAllReplicas } from './deploy-timeline.js';
import type { JournalEntryLike } from './phase-timings.js';
import type { RowAudit } from './row-audit.js';
import type { Sandbox } from './sandbox.js';
import type { TraineeRecord } from './trainee-record.js';

export type CriterionOutcome = 'passed' | 'failed' | 'not-checked';

export interface CriterionResult {
  readonly id: CriterionId;
  readonly description: string;
  readonly outcome: CriterionOutcome;
  /** Why, with counts and row ids; never a value. */
  readonly detail: string;
}

export interface CriterionFacts {
  readonly sandbox: Sandbox;
  readonly audit: RowAudit;
  readonly journal: readonly JournalEntryLike[] | undefined;
  readonly trainee: TraineeRecord;
  readonly endedAt: number;
}

type Verdict = { outcome: CriterionOutcome; detail: string };
type Check = (facts: CriterionFacts, criterion: PassCriterion) => Verdict;

const SHOWN_IDS = 5;
const DEFAULT_LIMIT_MINUTES = 15;
const NOTHING_CHANGED: Verdict = {
  outcome: 'not-checked',
  detail: 'you deployed nothing and re-encrypted nothing, so there is nothing to judge here',
};

function ids(list: readonly string[]): string {
  const shown = list.slice(0, SHOWN_IDS).join(', ');
  return list.length > SHOWN_IDS ? `${shown} and ${list.length - SHOWN_IDS} more` : shown;
}

function verdict(ok: boolean, passDetail: string, failDetail: string): Verdict {
  return ok ? { outcome: 'passed', detail: passDetail } : { outcome: 'failed', detail: failDetail };
}

const failed = (detail: string): Verdict => ({ outcome: 'failed', detail });

/** Rows a scenario planted on purpose (tampered values) are judged by their own criteria. */
function planted(facts: CriterionFacts): Set<string> {
  return new Set(facts.sandbox.scenario?.tampered.keys() ?? []);
}

function rows(n: number, what = 'row'): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** "the 1 damaged row (0193…, on kek-v1)": how the sentences about the other rows name the planted ones. */
function plantedNote(facts: CriterionFacts, state: string): string {
  const excluded = [...planted(facts)];
  if (excluded.length === 0) return '';
  const keyIds = [...new Set(excluded.map((id) => facts.audit.keyIdOf.get(id) ?? '?'))].join(', ');
  return `; the ${rows(excluded.length, 'damaged row')} (${ids(excluded)}, on ${keyIds}) ${state}`;
}

export function minutes(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

function readFailureIds(facts: CriterionFacts, after = -Infinity): string[] {
  const excluded = planted(facts);
  return (facts.sandbox.app?.readFailures() ?? [])
    .filter((f) => f.at > after && !excluded.has(f.id))
    .map((f) => `${f.replica}/${f.id}`);
}

/** The key the rotation retires: the one the fixtures were written under (kek-v1). */
function retiringKeyId(facts: CriterionFacts): string {
  return facts.sandbox.initialKey.id;
}

const CHECKS: Record<CriterionId, Check> = {
  'staged-deploy': (facts) => {
    const { deploys } = facts.trainee;
    const retiring = retiringKeyId(facts);
    if (deploys.length === 0) return failed('you deployed nothing');
    const swap = deploys.findIndex((d) => d.keyIds[0] !== retiring);
    if (swap === -1) return failed(`no deploy of yours made a new key primary: ${retiring} is still the primary key`);
    const newKey = deploys[swap]!.keyIds[0]!;
    const decryptOnlyFirst = deploys.slice(0, swap).some((d) => d.keyIds[0] === retiring && d.keyIds.includes(newKey));
    if (!decryptOnlyFirst) {
      return failed(
        `${newKey} was primary in the first deploy that carried it (runbook order), so replicas updated first wrote with it while the others had only ${retiring}`,
      );
    }
    const everyReplicaHadIt = firstTimeAllReplicas(facts.sandbox, (keyIds) => keyIds.includes(newKey));
    if (everyReplicaHadIt === undefined || everyReplicaHadIt > deploys[swap]!.at) {
      return failed(`${newKey} was made primary before every replica could read it`);
    }
    return { outcome: 'passed', detail: `${newKey} went out decrypt-only first (2a), then became primary (2b)` };
  },
  'emergency-path': ({ trainee }) => {
    if (trainee.tookEmergencyPath) return { outcome: 'passed', detail: 'you took the emergency path' };
    const rotated = trainee.steps.some((s) => s.path === 'rotate' || s.phase === 'generate');
    return failed(
      rotated
        ? 'you took the standard rotation (Enter at preflight), not the emergency path (e)'
        : 'no step of the emergency path was taken',
    );
  },
  'stray-rows-repaired': (facts) => {
    const stray = facts.sandbox.scenario?.strayKeyId;
    if (!stray) return { outcome: 'not-checked', detail: 'the scenario planted no stray rows' };
    const retiring = retiringKeyId(facts);
    const { deploys } = facts.trainee;
    const left = facts.audit.byKeyId[stray] ?? 0;
    const readded = deploys.findIndex((d) => d.keyIds[0] === retiring && d.keyIds.includes(stray));
    const finished = deploys.findIndex((d, i) => i > readded && d.keyIds.length === 1 && d.keyIds[0] === retiring);
    const newKeyAt = deploys.findIndex((d) => d.keyIds.some((k) => k !== retiring && k !== stray));
    if (readded === -1) {
      return failed(
        `${stray} was never deployed again as the previous key, so the ${rows(facts.sandbox.scenario!.strayIds.length)} on it were not repaired${left > 0 ? ` (${left} still on ${stray})` : ''}`,
      );
    }
    if (newKeyAt !== -1 && (newKeyAt < readded || finished === -1 || newKeyAt < finished)) {
      return failed(`a new key was deployed before the repair was finished (${stray} removed again)`);
    }
    if (left > 0) return failed(`${rows(left)} still on ${stray}`);
    return {
      outcome: 'passed',
      detail: `every row on ${stray} was moved onto ${retiring} before any new key was deployed`,
    };
  },
  'no-lost-writes': (facts) => {
    if (!facts.trainee.acted) return NOTHING_CHANGED;
    const excluded = planted(facts);
    const lost = [...facts.audit.lostWrites, ...facts.audit.missing].filter((id) => !excluded.has(id));
    return verdict(
      lost.length === 0,
      'every value the application wrote is intact',
      `${lost.length} value(s) the application wrote were overwritten or removed: ${ids(lost)}`,
    );
  },
  'no-unreadable-rows': (facts) => {
    if (!facts.trainee.acted) return NOTHING_CHANGED;
    const excluded = planted(facts);
    const bad = facts.audit.unreadable.filter((u) => !excluded.has(u.id));
    const note = plantedNote(facts, 'does not, as planted');
    return verdict(
      bad.length === 0,
      note ? `every other row decrypts${note}` : 'every row decrypts',
      `${rows(bad.length)} cannot be decrypted with any key: ${ids(bad.map((u) => `${u.id} (${u.problem})`))}`,
    );
  },
  'all-rows-on-deployed-primary': (facts) => {
    const retiring = retiringKeyId(facts);
    const target = facts.audit.targetKeyId;
    const onRetiring = facts.audit.byKeyId[retiring] ?? 0;
    if (target === retiring)
      return failed(
        `no new key was made primary: ${rows(onRetiring)} ${onRetiring === 1 ? 'is' : 'are'} still on ${retiring}`,
      );
    const excluded = planted(facts);
    const left = facts.audit.leftOnOtherKey.filter((r) => !excluded.has(r.id));
    const byKey = new Map<string, number>();
    left.forEach((r) => byKey.set(r.keyId ?? '?', (byKey.get(r.keyId ?? '?') ?? 0) + 1));
    const summary = [...byKey].map(([k, n]) => `${n} on ${k}`).join(', ');
    const note = plantedNote(facts, 'stays as it was');
    return verdict(
      left.length === 0,
      note ? `every other row is on ${target}${note}` : `every row is on ${target}`,
      `${rows(left.length)} not on ${target}: ${summary}`,
    );
  },
  'old-key-removed': (facts) => {
    const { sandbox, trainee } = facts;
    const { deployed } = sandbox;
    const retiring = retiringKeyId(facts);
    const lagging = (sandbox.app?.replicas() ?? []).filter(
      (r) => r.keyIds.length !== 1 || r.keyIds[0] !== deployed.primary.id,
    );
    if (deployed.primary.id === retiring)
      return failed(`${retiring} is still the primary key: no new key took its place`);
    if (deployed.previous) return failed(`${deployed.previous.id} is still deployed as the previous key`);
    if (lagging.length > 0)
      return failed(`replica(s) ${lagging.map((r) => r.replica).join(', ')} still run another configuration`);
    // Removed by the trainee: it was deployed when they took over, or a deploy of theirs put it back.
    const startKeyIds = sandbox.scenario?.startKeyIds ?? [sandbox.initialKey.id];
    if (
      trainee.deploys.length === 0 ||
      !(startKeyIds.includes(retiring) || trainee.deploys.some((d) => d.keyIds.includes(retiring)))
    ) {
      return failed(
        `${retiring} was already out of the deploy when you started, and no deploy of yours put it back before removing it`,
      );
    }
    return { outcome: 'passed', detail: `only ${deployed.primary.id} is deployed: you removed ${retiring}` };
  },
  'readable-by-deployed-config': (facts) => {
    const stranded = facts.audit.strandedByDeployedConfig;
    const keyIds = [...new Set(stranded.map((s) => s.keyId ?? '?'))].join(', ');
    if (stranded.length > 0)
      return failed(
        `${rows(stranded.length)} on ${keyIds}, which no deployed key reads: ${ids(stranded.map((s) => s.id))}`,
      );
    return facts.trainee.acted ? { outcome: 'passed', detail: 'the deployed keys read every row' } : NOTHING_CHANGED;
  },
  'no-replica-read-failures': (facts) => {
    if (!facts.sandbox.app) return { outcome: 'not-checked', detail: 'the simulated application did not run' };
    const failures = readFailureIds(facts);
    if (failures.length > 0) return failed(`${failures.length} failed read(s): ${ids(failures)}`);
    return facts.trainee.acted ? { outcome: 'passed', detail: 'no replica failed to read' } : NOTHING_CHANGED;
  },
  'tampered-row-untouched': (facts) => {
    if (!facts.trainee.acted) return NOTHING_CHANGED;
    const { sandbox, audit } = facts;
    const changed = [...(sandbox.scenario?.tampered ?? [])]
      .filter(([id, bytes]) => !audit.stored.get(id)?.equals(bytes))
      .map(([id]) => id);
    return verdict(
      changed.length === 0,
      'the damaged row holds exactly its old bytes',
      `damaged row(s) changed or removed: ${ids(changed)}`,
    );
  },
  'tampered-row-reported': ({ sandbox, journal }) => {
    if (!journal) return { outcome: 'not-checked', detail: 'no journal was given to the debrief' };
    const text = JSON.stringify(journal);
    const unreported = [...(sandbox.scenario?.tampered.keys() ?? [])].filter((id) => !text.includes(id));
    return verdict(
      unreported.length === 0,
      'the journal names the damaged row',
      `the journal never names damaged row(s) ${ids(unreported)}`,
    );
  },
  'old-key-redeployed': ({ sandbox }) => {
    const oldKeyId = sandbox.scenario?.oldKeyId;
    const ok = oldKeyId !== undefined && everDeployed(sandbox, (keyIds) => keyIds.slice(1).includes(oldKeyId));
    return verdict(
      ok,
      `${oldKeyId} was deployed again as the previous key`,
      `${oldKeyId ?? 'the old key'} was never deployed again as the previous key`,
    );
  },
  'no-read-failures-after-rollback': (facts) => {
    const oldKeyId = facts.sandbox.scenario?.oldKeyId;
    if (!facts.sandbox.app) return { outcome: 'not-checked', detail: 'the simulated application did not run' };
    const restoredAt =
      oldKeyId === undefined ? undefined : firstTimeAllReplicas(facts.sandbox, (keyIds) => keyIds.includes(oldKeyId));
    if (restoredAt === undefined) return failed(`${oldKeyId ?? 'the old key'} never reached every replica again`);
    const failures = readFailureIds(facts, restoredAt);
    return verdict(
      failures.length === 0,
      'no failed read once every replica had the old key back',
      `${failures.length} failed read(s) after the rollback: ${ids(failures)}`,
    );
  },
  'fresh-data-keys': ({ sandbox, audit }) => {
    const reused: string[] = [];
    for (const [id, before] of sandbox.scenario?.dekFingerprints ?? []) {
      const stored = audit.stored.get(id);
      if (stored && dekFingerprint(stored, (keyId) => sandbox.keys.get(keyId)) === before) reused.push(id);
    }
    return verdict(
      reused.length === 0,
      'every value has a fresh data key',
      `${reused.length} value(s) kept the data key the leaked key protected (not re-encrypted): ${ids(reused)}`,
    );
  },
  'compromised-key-contained': (facts, criterion) => {
    const leaked = facts.sandbox.scenario?.compromisedKeyId;
    const state = facts.sandbox.scenario;
    if (!leaked || !state) return { outcome: 'not-checked', detail: 'no key was declared compromised' };
    const limit = criterion.withinMinutes ?? DEFAULT_LIMIT_MINUTES;
    const target = `target: within ${limit} min`;
    const at = firstTimeAllReplicas(facts.sandbox, (keyIds) => !keyIds.includes(leaked));
    if (at === undefined)
      return failed(
        `${leaked} is still deployed, ${minutes(facts.endedAt - state.startedAt)} after the start (${target})`,
      );
    const took = at - state.startedAt;
    return verdict(
      took <= limit * 60_000,
      `${leaked} out of service after ${minutes(took)} (${target})`,
      `${leaked} out of service after ${minutes(took)}, over the ${limit} min target`,
    );
  },
};

export function evaluateCriterion(facts: CriterionFacts, criterion: PassCriterion): CriterionResult {
  const { outcome, detail } = CHECKS[criterion.id](facts, criterion);
  return { id: criterion.id, description: criterion.description, outcome, detail };
}
