// The dry run's breakdown: rows that cannot be decrypted are their own line and never counted
// under "to rotate", not even in its per-key-id figures.
import { describe, expect, it } from 'vitest';
import { dryRunBreakdown } from '../../src/cli/report-run.js';
import type { RowFailure, RunSummary, TableCounts } from '../../src/engine/events.js';

const TABLE = 'llm_providers.api_key_encrypted';

function counts(over: Partial<TableCounts>): TableCounts {
  return {
    table: TABLE,
    total: 0,
    processed: 0,
    rotated: 0,
    alreadyPrimary: 0,
    nulls: 0,
    failed: 0,
    retried: 0,
    skippedLocked: 0,
    vanished: 0,
    byKeyId: {},
    ...over,
  };
}

function failure(id: string, keyId: string | undefined): RowFailure {
  return { table: TABLE, id, keyId, problem: 'dek-auth-failed', reason: 'data key: authentication failed' };
}

function summary(c: TableCounts, failures: RowFailure[], unlistedFailures?: number): RunSummary {
  return {
    kind: 'dry-run',
    mode: 'reencrypt',
    primaryKeyId: 'kek-v2',
    tables: [c],
    failures,
    cancelled: false,
    elapsedMs: 1,
    ...(unlistedFailures ? { unlistedFailures } : {}),
  };
}

const line = (lines: string[], label: string) => lines.find((l) => l.trimStart().startsWith(label));

describe('dryRunBreakdown', () => {
  it('counts an undecryptable kek-v1 row on its own line, not in "to rotate (kek-v1: …)"', () => {
    // As the built-in engine reports it: byKeyId counts every row read, the damaged ones too.
    const c = counts({
      processed: 38,
      rotated: 30,
      alreadyPrimary: 4,
      nulls: 3,
      failed: 1,
      byKeyId: { 'kek-v1': 31, 'kek-v2': 4 },
    });
    const lines = dryRunBreakdown(summary(c, [failure('bad', 'kek-v1')]));
    expect(line(lines, 'to rotate')).toMatch(/^ {2}to rotate to kek-v2 +30 {2}\(kek-v1: 30\)$/);
    expect(line(lines, 'cannot be decrypted')).toMatch(/^ {2}cannot be decrypted +1 {2}\(kek-v1: 1\)$/);
    expect(lines.join('\n')).toContain('id=bad');
  });

  it('rows on several keys, and damaged rows without a key id or on the primary', () => {
    const c = counts({
      processed: 12,
      rotated: 7,
      alreadyPrimary: 2,
      failed: 3,
      byKeyId: { 'kek-v0': 3, 'kek-v1': 5, 'kek-v2': 3 },
    });
    const lines = dryRunBreakdown(
      summary(c, [failure('a', 'kek-v1'), failure('b', undefined), failure('c', 'kek-v2')]),
    );
    expect(line(lines, 'to rotate')).toMatch(/\(kek-v0: 3, kek-v1: 4\)$/);
    expect(line(lines, 'cannot be decrypted')).toMatch(/ 3 {2}\(kek-v1: 1, no key id: 1, kek-v2: 1\)$/);
  });

  it('leaves the per-key figures out when not every failure is listed, rather than guess', () => {
    const c = counts({ processed: 1100, rotated: 0, failed: 1100, byKeyId: { 'kek-v1': 1100 } });
    const listed = Array.from({ length: 1000 }, (_, i) => failure(`r${i}`, 'kek-v1'));
    const lines = dryRunBreakdown(summary(c, listed, 100));
    expect(line(lines, 'to rotate')).toMatch(/to rotate to kek-v2 +0$/);
    expect(line(lines, 'cannot be decrypted')).toMatch(/cannot be decrypted +1100$/);
  });
});
