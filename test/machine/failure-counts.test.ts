// More failures than any list keeps (a wrong key fails every row): every count an operator reads —
// summary line, journal, removal refusal, progress, CLI report — is the total, not the length of
// the capped list, and the runbook's own list stops growing at the cap.
import { describe, expect, it } from 'vitest';
import { liveBreakdown } from '../../src/cli/report-run.js';
import { MAX_KEPT_FAILURES } from '../../src/engine/column-tally.js';
import {
  failureTotal,
  type EngineEvent,
  type RowFailure,
  type RunSummary,
  type TableCounts,
} from '../../src/engine/events.js';
import { addFailure } from '../../src/machine/engine-progress.js';
import { runCounts } from '../../src/machine/journal-entry.js';
import { removalRefusals } from '../../src/machine/removal-check.js';
import { initialProgress, reduceProgress } from '../../src/ui/reencrypt-progress-state.js';

const TABLE = 'llm_providers.api_key_encrypted';

function failure(i: number, problem: RowFailure['problem'] = 'dek-auth-failed'): RowFailure {
  return { table: TABLE, id: `row-${i}`, keyId: 'kek-v1', problem, reason: 'data key: authentication failed' };
}

/** 1,050 rows failed (40 of them only locked), the first 1,000 listed, like the engine reports them. */
function bigFailureSummary(kind: RunSummary['kind']): RunSummary {
  const counts: TableCounts = {
    table: TABLE,
    total: 1060,
    processed: 1060,
    rotated: 10,
    alreadyPrimary: 0,
    nulls: 0,
    failed: 1010,
    retried: 0,
    skippedLocked: 40,
    vanished: 0,
    byKeyId: { 'kek-v1': 1060 },
  };
  const failures = Array.from({ length: MAX_KEPT_FAILURES }, (_, i) =>
    failure(i, i < 20 ? 'locked' : 'dek-auth-failed'),
  );
  return {
    kind,
    mode: 'reencrypt',
    primaryKeyId: 'kek-v2',
    tables: [counts],
    failures,
    cancelled: false,
    elapsedMs: 1000,
    unlistedFailures: 50,
  };
}

describe('failure counts beyond the listed failures', () => {
  it('the runbook keeps the first MAX_KEPT_FAILURES failures and then stops copying its list', () => {
    let list: RowFailure[] = [];
    for (let i = 0; i < MAX_KEPT_FAILURES + 500; i++)
      list = addFailure(list, { type: 'row-failed', failure: failure(i) });
    expect(list).toHaveLength(MAX_KEPT_FAILURES);
    expect(list[0]!.id).toBe('row-0');
    expect(list.at(-1)!.id).toBe(`row-${MAX_KEPT_FAILURES - 1}`);
    const full = list;
    expect(addFailure(full, { type: 'row-failed', failure: failure(99_999) })).toBe(full);
    const progress: EngineEvent = { type: 'warning', message: 'x' };
    expect(addFailure([failure(1)], progress)).toHaveLength(1);
  });

  it('the journal, the removal check, the progress view and the CLI report count all 1,050', () => {
    const live = bigFailureSummary('live');
    expect(runCounts(live).failed).toBe(1050);
    expect(failureTotal(live)).toBe(1050);

    const refusals = removalRefusals({
      newKeyId: 'kek-v2',
      secondDryRun: bigFailureSummary('dry-run'),
      verifySql: undefined,
      verifyDeep: undefined,
    });
    expect(refusals).toContain('The second dry run cannot read 1050 rows.');

    const done = reduceProgress(initialProgress, { type: 'run-done', summary: live });
    expect(done.failureCount).toBe(1050);

    const lines = liveBreakdown(live);
    expect(lines).toContain('Rows not re-encrypted (1050), left exactly as they were:');
    expect(lines.at(-1)).toBe('... and 50 more, counted above but not listed (the first 1000 are).');
  });

  it('a run whose failures are all listed reports no unlisted line', () => {
    const summary: RunSummary = { ...bigFailureSummary('live'), failures: [failure(1)], unlistedFailures: undefined };
    expect(failureTotal(summary)).toBe(1);
    expect(liveBreakdown(summary).some((l) => l.includes('not listed'))).toBe(false);
  });
});
