// The pass criteria a scenario names (runbook/scenarios), each a check over the debrief's facts.
// A criterion that needs evidence the session did not provide (e.g. no journal) is "not-checked".
import type { CriterionId, PassCriterion } from '../../runbook/scenarios/types.js';
import { dekFingerprint } from './dek-fingerprint.js';
import { everDeployed, firstTimeAllReplicas } from './deploy-timeline.js';
import type { JournalEntryLike } from './phase-timings.js';
import type { RowAudit } from './row-audit.js';
import type { Sandbox } from './sandbox.js';

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
  readonly endedAt: number;
}

type Verdict = { outcome: CriterionOutcome; detail: string };
type Check = (facts: CriterionFacts, criterion: PassCriterion) => Verdict;

const SHOWN_IDS = 5;

function ids(list: readonly string[]): string {
  const shown = list.slice(0, SHOWN_IDS).join(', ');
  return list.length > SHOWN_IDS ? `${shown} and ${list.length - SHOWN_IDS} more` : shown;
}

function verdict(ok: boolean, passDetail: string, failDetail: string): Verdict {
  return ok ? { outcome: 'passed', detail: passDetail } : { outcome: 'failed', detail: failDetail };
}

/** Rows a scenario planted on purpose (tampered values) are judged by their own criteria. */
function planted(facts: CriterionFacts): Set<string> {
  return new Set(facts.sandbox.scenario?.tampered.keys() ?? []);
}

function minutes(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

function readFailureIds(facts: CriterionFacts, after = -Infinity): string[] {
  const excluded = planted(facts);
  return (facts.sandbox.app?.readFailures() ?? []).filter((f) => f.at > after && !excluded.has(f.id)).map((f) => `${f.replica}/${f.id}`);
}

const CHECKS: Record<CriterionId, Check> = {
  'no-lost-writes': (facts) => {
    const excluded = planted(facts);
    const lost = [...facts.audit.lostWrites, ...facts.audit.missing].filter((id) => !excluded.has(id));
    return verdict(lost.length === 0, 'every value the application wrote is intact', `${lost.length} value(s) the application wrote were overwritten or removed: ${ids(lost)}`);
  },
  'no-unreadable-rows': (facts) => {
    const excluded = planted(facts);
    const bad = facts.audit.unreadable.filter((u) => !excluded.has(u.id));
    return verdict(bad.length === 0, 'every row decrypts', `${bad.length} row(s) cannot be decrypted with any key: ${ids(bad.map((u) => `${u.id} (${u.problem})`))}`);
  },
  'all-rows-on-deployed-primary': (facts) => {
    const excluded = planted(facts);
    const left = facts.audit.leftOnOtherKey.filter((r) => !excluded.has(r.id));
    const byKey = new Map<string, number>();
    left.forEach((r) => byKey.set(r.keyId ?? '?', (byKey.get(r.keyId ?? '?') ?? 0) + 1));
    const summary = [...byKey].map(([k, n]) => `${n} on ${k}`).join(', ');
    return verdict(left.length === 0, `every row is on ${facts.audit.targetKeyId}`, `${left.length} row(s) not on ${facts.audit.targetKeyId}: ${summary}`);
  },
  'old-key-removed': ({ sandbox }) => {
    const { deployed, initialKey } = sandbox;
    const replicas = sandbox.app?.replicas() ?? [];
    const lagging = replicas.filter((r) => r.keyIds.length !== 1 || r.keyIds[0] !== deployed.primary.id);
    const ok = deployed.previous === undefined && deployed.primary.id !== initialKey.id && lagging.length === 0;
    const why = deployed.primary.id === initialKey.id
      ? `${initialKey.id} is still the primary key: no new key was deployed`
      : deployed.previous
        ? `${deployed.previous.id} is still deployed as the previous key`
        : `replica(s) ${lagging.map((r) => r.replica).join(', ')} still run another configuration`;
    return verdict(ok, `only ${deployed.primary.id} is deployed`, why);
  },
  'readable-by-deployed-config': (facts) => {
    const stranded = facts.audit.strandedByDeployedConfig;
    const keyIds = [...new Set(stranded.map((s) => s.keyId ?? '?'))].join(', ');
    return verdict(stranded.length === 0, 'the deployed keys read every row', `${stranded.length} row(s) on ${keyIds}, which no deployed key reads: ${ids(stranded.map((s) => s.id))}`);
  },
  'no-replica-read-failures': (facts) => {
    if (!facts.sandbox.app) return { outcome: 'not-checked', detail: 'the simulated application did not run' };
    const failures = readFailureIds(facts);
    return verdict(failures.length === 0, 'no replica failed to read', `${failures.length} failed read(s): ${ids(failures)}`);
  },
  'tampered-row-untouched': ({ sandbox, audit }) => {
    const changed = [...(sandbox.scenario?.tampered ?? [])].filter(([id, bytes]) => !audit.stored.get(id)?.equals(bytes)).map(([id]) => id);
    return verdict(changed.length === 0, 'the damaged row holds exactly its old bytes', `damaged row(s) changed or removed: ${ids(changed)}`);
  },
  'tampered-row-reported': ({ sandbox, journal }) => {
    if (!journal) return { outcome: 'not-checked', detail: 'no journal was given to the debrief' };
    const text = JSON.stringify(journal);
    const unreported = [...(sandbox.scenario?.tampered.keys() ?? [])].filter((id) => !text.includes(id));
    return verdict(unreported.length === 0, 'the journal names the damaged row', `the journal never names damaged row(s) ${ids(unreported)}`);
  },
  'old-key-redeployed': ({ sandbox }) => {
    const oldKeyId = sandbox.scenario?.oldKeyId;
    const ok = oldKeyId !== undefined && everDeployed(sandbox, (keyIds) => keyIds.slice(1).includes(oldKeyId));
    return verdict(ok, `${oldKeyId} was deployed again as the previous key`, `${oldKeyId ?? 'the old key'} was never deployed again as the previous key`);
  },
  'no-read-failures-after-rollback': (facts) => {
    const oldKeyId = facts.sandbox.scenario?.oldKeyId;
    if (!facts.sandbox.app) return { outcome: 'not-checked', detail: 'the simulated application did not run' };
    const restoredAt = oldKeyId === undefined ? undefined : firstTimeAllReplicas(facts.sandbox, (keyIds) => keyIds.includes(oldKeyId));
    if (restoredAt === undefined) return { outcome: 'failed', detail: `${oldKeyId ?? 'the old key'} never reached every replica again` };
    const failures = readFailureIds(facts, restoredAt);
    return verdict(failures.length === 0, 'no failed read once every replica had the old key back', `${failures.length} failed read(s) after the rollback: ${ids(failures)}`);
  },
  'fresh-data-keys': ({ sandbox, audit }) => {
    const reused: string[] = [];
    for (const [id, before] of sandbox.scenario?.dekFingerprints ?? []) {
      const stored = audit.stored.get(id);
      if (stored && dekFingerprint(stored, (keyId) => sandbox.keys.get(keyId)) === before) reused.push(id);
    }
    return verdict(reused.length === 0, 'every value has a fresh data key', `${reused.length} value(s) kept the data key the leaked key protected (rewrapped, not re-encrypted): ${ids(reused)}`);
  },
  'compromised-key-contained': (facts, criterion) => {
    const leaked = facts.sandbox.scenario?.compromisedKeyId;
    const state = facts.sandbox.scenario;
    if (!leaked || !state) return { outcome: 'not-checked', detail: 'no key was declared compromised' };
    const at = firstTimeAllReplicas(facts.sandbox, (keyIds) => !keyIds.includes(leaked));
    if (at === undefined) return { outcome: 'failed', detail: `${leaked} is still deployed (${minutes(facts.endedAt - state.startedAt)} after the start)` };
    const limitMs = (criterion.withinMinutes ?? 15) * 60_000;
    const took = at - state.startedAt;
    return verdict(took <= limitMs, `${leaked} out of service after ${minutes(took)}`, `${leaked} out of service after ${minutes(took)}, over the ${criterion.withinMinutes ?? 15} min allowed`);
  },
};

export function evaluateCriterion(facts: CriterionFacts, criterion: PassCriterion): CriterionResult {
  const { outcome, detail } = CHECKS[criterion.id](facts, criterion);
  return { id: criterion.id, description: criterion.description, outcome, detail };
}
