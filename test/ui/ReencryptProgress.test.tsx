// The progress view drawn from engine events: counts, percentage, rate and ETA, failures with
// control characters stripped, and no colour codes when colour is off.
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { EngineEvent, TableCounts } from '../../src/engine/events.js';
import { ReencryptProgress, formatEta, initialProgress, reduceProgress } from '../../src/ui/ReencryptProgress.js';

const TABLE = 'llm_providers.api_key_encrypted';

function counts(over: Partial<TableCounts>): TableCounts {
  return {
    table: TABLE,
    total: 1000,
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

const start: EngineEvent[] = [
  {
    type: 'run-start',
    kind: 'live',
    mode: 'reencrypt',
    primaryKeyId: 'kek-v2',
    keyIds: ['kek-v2', 'kek-v1'],
    tables: [{ table: TABLE, total: 1000 }],
  },
  { type: 'table-start', table: TABLE, total: 1000 },
];

const fold = (events: EngineEvent[]) => events.reduce(reduceProgress, initialProgress);

describe('ReencryptProgress', () => {
  it('shows rows done of total, percent, rows/s, ETA and the counters', () => {
    const state = fold([
      ...start,
      {
        type: 'progress',
        counts: counts({ processed: 450, rotated: 400, alreadyPrimary: 30, nulls: 15, failed: 5, retried: 2 }),
        rowsPerSecond: 1234.4,
        etaSeconds: 75,
      },
    ]);
    const { lastFrame } = render(<ReencryptProgress state={state} color={false} columns={80} />);
    const frame = lastFrame()!;
    expect(frame).toContain('Re-encrypting to kek-v2 (reencrypt mode)');
    expect(frame).toContain(TABLE);
    expect(frame).toContain(' 45% 450/1,000 rows');
    expect(frame).toContain('1,234 rows/s');
    expect(frame).toContain('ETA 1:15');
    expect(frame).toMatch(/rotated 400 +already 30 +NULL 15 +failed 5 +retried 2/);
    expect(frame).not.toMatch(/\u001b\[/);
    for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('lists failures with control characters from the database made harmless', () => {
    const state = fold([
      ...start,
      {
        type: 'row-failed',
        failure: {
          table: TABLE,
          id: 'evil\u001b[2Jid',
          keyId: 'kek-v1',
          problem: 'auth-failed',
          reason: 'authentication failed\u0007',
        },
      },
    ]);
    const frame = render(<ReencryptProgress state={state} color={false} />).lastFrame()!;
    expect(frame).toContain('Failures (1):');
    expect(frame).toContain('id=evil\uFFFD[2Jid');
    expect(frame).not.toContain('\u001b');
    expect(frame).not.toContain('\u0007');
  });

  it('says a dry run checks, and marks the run finished or stopped', () => {
    const dry = fold([
      { ...(start[0] as Extract<EngineEvent, { type: 'run-start' }>), kind: 'dry-run' },
      { type: 'table-done', counts: counts({ processed: 1000, rotated: 900, alreadyPrimary: 100 }) },
      {
        type: 'run-done',
        summary: {
          kind: 'dry-run',
          mode: 'reencrypt',
          primaryKeyId: 'kek-v2',
          tables: [counts({ processed: 1000, rotated: 900, alreadyPrimary: 100 })],
          failures: [],
          cancelled: false,
          elapsedMs: 10,
        },
      },
    ]);
    const frame = render(<ReencryptProgress state={dry} color={false} />).lastFrame()!;
    expect(frame).toContain('Dry run: checking every value against kek-v2 — finished');
    expect(frame).toContain('100% 1,000/1,000 rows');
    expect(frame).toContain('to rotate 900');

    const stopped = reduceProgress(dry, {
      type: 'run-done',
      summary: {
        kind: 'live',
        mode: 'reencrypt',
        primaryKeyId: 'kek-v2',
        tables: [],
        failures: [],
        cancelled: true,
        elapsedMs: 10,
      },
    });
    expect(render(<ReencryptProgress state={stopped} color={false} />).lastFrame()).toContain('— stopped');
  });

  it('formats an ETA in minutes and hours, and an unknown one as dashes', () => {
    expect(formatEta(undefined)).toBe('--:--');
    expect(formatEta(5)).toBe('0:05');
    expect(formatEta(3725)).toBe('1:02:05');
  });
});

describe('the progress line at 80 columns', () => {
  it('never wraps, even at 300,000 rows with a six-digit rate, and a paused run shows no rate or ETA', async () => {
    const { renderInk, widestLine } = await import('./render-ink.js');
    let state = initialProgress;
    state = reduceProgress(state, {
      type: 'run-start',
      kind: 'live',
      mode: 'reencrypt',
      primaryKeyId: 'kek-v2',
      keyIds: ['kek-v2', 'kek-v1'],
      tables: [{ table: 'llm_providers.api_key_encrypted', total: 300_000 }],
    });
    state = reduceProgress(state, { type: 'table-start', table: 'llm_providers.api_key_encrypted', total: 300_000 });
    const counts = {
      table: 'llm_providers.api_key_encrypted',
      total: 300_000,
      processed: 123_456,
      rotated: 123_456,
      alreadyPrimary: 0,
      nulls: 0,
      failed: 0,
      retried: 0,
      skippedLocked: 0,
      vanished: 0,
      byKeyId: {},
    };
    state = reduceProgress(state, { type: 'progress', counts, rowsPerSecond: 165_432, etaSeconds: 1234 });
    const running = renderInk(<ReencryptProgress state={state} color={false} columns={80} />, { columns: 80 });
    const f = await running.waitFor((t) => t.includes('rows/s'));
    // One line from the bar to the ETA: Ink would wrap a longer one.
    expect(
      f
        .split('\n')
        .some((line) => /^ {2}\S.* 41% 123,456\/300,000 rows {2}165,432 rows\/s {2}ETA \S+$/.test(line.trimEnd())),
    ).toBe(true);
    expect(widestLine(f)).toBeLessThanOrEqual(80);
    running.unmount();
    const paused = renderInk(<ReencryptProgress state={state} color={false} columns={80} paused />, { columns: 80 });
    const p = await paused.waitFor((t) => t.includes('123,456/300,000 rows'));
    expect(p).toContain('123,456/300,000 rows  paused');
    expect(p).not.toContain('rows/s');
    paused.unmount();
  });
});
