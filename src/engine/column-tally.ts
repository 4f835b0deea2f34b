// The counters of one column and the events they produce. Progress is coalesced (at most one
// event per interval) so a fast run does not spend its time drawing; failures are emitted at
// once, each with the row's id and the reason, never its value.
import type { EngineEventListener, RowFailure, TableCounts } from './events.js';
import { RateMeter } from './rate-meter.js';

export const PROGRESS_INTERVAL_MS = 100;
/** Failures one column keeps for the summary. */
export const MAX_KEPT_FAILURES = 1000;

type Outcome = 'rotated' | 'alreadyPrimary' | 'nulls' | 'failed' | 'skippedLocked' | 'vanished';

export class ColumnTally {
  readonly counts: TableCounts;
  readonly failures: RowFailure[] = [];
  private readonly meter: RateMeter;
  private lastEmit = Number.NEGATIVE_INFINITY;

  constructor(
    table: string,
    total: number,
    private readonly onEvent: EngineEventListener,
    private readonly now: () => number,
  ) {
    this.counts = {
      table,
      total,
      processed: 0,
      rotated: 0,
      alreadyPrimary: 0,
      nulls: 0,
      failed: 0,
      retried: 0,
      skippedLocked: 0,
      vanished: 0,
      byKeyId: {},
    };
    this.meter = new RateMeter(now);
  }

  /** Rows that reached their final outcome (each row is counted once, here). */
  add(outcome: Outcome, n: number): void {
    if (n === 0) return;
    this.counts[outcome] += n;
    this.counts.processed += n;
  }

  retried(n: number): void {
    this.counts.retried += n;
  }

  keyIdsFound(keyIds: readonly (string | undefined)[]): void {
    for (const id of keyIds) {
      if (id !== undefined) this.counts.byKeyId[id] = (this.counts.byKeyId[id] ?? 0) + 1;
    }
  }

  /** Every failure, listed or not. */
  failureCount = 0;

  fail(failure: RowFailure, outcome: 'failed' | 'skippedLocked' = 'failed'): void {
    this.add(outcome, 1);
    this.failureCount++;
    // Listed up to a cap so memory stays flat when a whole table fails (a wrong key); each one
    // still goes out as an event, and the counters have them all.
    if (this.failures.length < MAX_KEPT_FAILURES) this.failures.push(failure);
    this.onEvent({ type: 'row-failed', failure });
  }

  /** Emits a progress event unless one went out less than an interval ago (or `force`). */
  progress(force = false): void {
    const at = this.now();
    this.meter.record(this.counts.processed);
    if (!force && at - this.lastEmit < PROGRESS_INTERVAL_MS) return;
    this.lastEmit = at;
    const remaining = Math.max(0, this.counts.total - this.counts.processed);
    this.onEvent({
      type: 'progress',
      counts: this.snapshot(),
      rowsPerSecond: this.meter.rowsPerSecond(),
      etaSeconds: this.meter.etaSeconds(remaining),
    });
  }

  /** A copy, so renderers holding an event never see it change. */
  snapshot(): TableCounts {
    return { ...this.counts, byKeyId: { ...this.counts.byKeyId } };
  }
}
