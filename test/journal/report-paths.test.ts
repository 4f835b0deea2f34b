// The report names the path a rotation really took, from its steps, and sums its live passes.
import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../src/journal/entry.js';
import { LIVE_PASS_ENDED } from '../../src/journal/live-pass-note.js';
import { passTotals, pathTaken, renderReport } from '../../src/journal/report.js';

let second = 0;
const line = (
  step: string,
  outcome: JournalEntry['outcome'] = 'ok',
  extra: Partial<JournalEntry> = {},
): JournalEntry => ({
  v: 1,
  time: new Date(Date.UTC(2026, 11, 3, 9, 0, second++)).toISOString(),
  operator: 'ops@host',
  rotationId: 'r1',
  phase: step.split('.')[0]!,
  step,
  outcome,
  ...extra,
});

describe('the report of one rotation', () => {
  it('names the path from the steps: standard, staged, emergency, with a rollback', () => {
    expect(pathTaken([line('deploy.both', 'confirmed'), line('reencrypt.live')])).toBe('standard');
    expect(pathTaken([line('deploy.stageA', 'confirmed'), line('deploy.stageB', 'confirmed')])).toBe(
      'staged (rolling deploys)',
    );
    expect(pathTaken([line('emergency.deployBoth', 'confirmed')])).toBe('emergency');
    // The machine labels lines after a rollback 'rollback'; the path taken was still the standard one.
    expect(
      pathTaken([line('deploy.both', 'confirmed'), line('rollback.readdOld', 'confirmed', { path: 'rollback' })]),
    ).toBe('standard, then a rollback after removal');
  });

  it('sums every live pass once, and a quit after the end closes the session instead of cancelling it', () => {
    const entries = [
      line('reencrypt.live', 'info', { message: LIVE_PASS_ENDED, counts: { rotated: 400, failed: 1 } }),
      line('reencrypt.live', 'ok', { counts: { rotated: 600, failed: 0 } }),
      line('reencrypt.live', 'info', { message: LIVE_PASS_ENDED, counts: { rotated: 600, failed: 0 } }),
      line('done.summary'),
      line('quit', 'cancelled'),
    ];
    expect(passTotals(entries)).toEqual({ passes: 2, rotated: 1000, failed: 1 });
    const report = renderReport(entries);
    expect(report).toContain('- **Outcome:** finished');
    expect(report).toContain('- **Rows re-encrypted:** 1000 over 2 live passes (failed: 1)');
    expect(report).toContain('| quit | ok | | | session closed after the rotation finished |');
    expect(report).not.toContain('| quit | cancelled |');
  });
});
