// The one stream of typed events the re-encryption produces. The Ink UI, plain log lines and JSON
// lines are all renderers of this stream; the engine knows none of them.
import type { PayloadProblem } from '../crypto/payload.js';
import type { RotationMode } from '../crypto/envelope.js';

export type RunKind = 'dry-run' | 'live';

/** Counters for one column. `processed` = rows examined (every row, NULLs included). */
export interface TableCounts {
  readonly table: string; // label: table.column
  total: number; // rows counted at the start (an estimate: the application keeps writing)
  processed: number;
  /** Live: rows written on the primary key. Dry run: rows that would be. */
  rotated: number;
  alreadyPrimary: number;
  nulls: number;
  failed: number;
  /** Rows the application changed between our read and our write; re-read and retried. */
  retried: number;
  /** Rows locked by someone else and not reached in the end (they stay on their old key). */
  skippedLocked: number;
  /** Rows deleted by the application while we worked on them. */
  vanished: number;
  /** Dry run: rows per key id, as found. */
  byKeyId: Record<string, number>;
}

export interface RowFailure {
  readonly table: string;
  readonly id: string;
  readonly keyId: string | undefined;
  readonly problem: PayloadProblem | 'locked' | 'write-failed';
  readonly reason: string;
}

/** A row found off the primary key by the recount at the end of a live run. */
export interface LeftBehindRow {
  readonly id: string;
  /** Its key id now; undefined when the value has none (not a payload). */
  readonly keyId: string | undefined;
  /** failed / locked: this run listed it; written-during-run: it was not off the primary for this run
   * (an old-key writer, a row inserted behind the cursor); not-a-payload: no key id at all. */
  readonly cause: 'failed' | 'locked' | 'written-during-run' | 'not-a-payload';
}

/** The recount of one column: every row not on the primary at the end (NULLs excepted). */
export interface LeftBehind {
  readonly table: string;
  count: number;
  readonly byKeyId: Record<string, number>;
  /** The first MAX_LISTED_LEFT_BEHIND of them. */
  readonly rows: LeftBehindRow[];
}

export interface RunSummary {
  readonly kind: RunKind;
  readonly mode: RotationMode;
  readonly primaryKeyId: string;
  readonly tables: TableCounts[];
  readonly failures: RowFailure[];
  readonly cancelled: boolean;
  readonly elapsedMs: number;
  /** Failures counted but not in `failures` (it lists at most the first 1000; each went out as a
   * row-failed event). Absent when every failure is listed. */
  readonly unlistedFailures?: number;
  /** Live runs that finished: the recount of each column after the last write. */
  readonly leftBehind?: LeftBehind[];
}

/** Rows not on the primary key at the end of a live run, by the recount (0 without one). */
export function leftBehindTotal(summary: Pick<RunSummary, 'leftBehind'>): number {
  return (summary.leftBehind ?? []).reduce((n, l) => n + l.count, 0);
}

/** Every row the run could not rotate, listed in `failures` or only counted. */
export function failureTotal(summary: Pick<RunSummary, 'failures' | 'unlistedFailures'>): number {
  return summary.failures.length + (summary.unlistedFailures ?? 0);
}

export type EngineEvent =
  | {
      type: 'run-start';
      kind: RunKind;
      mode: RotationMode;
      primaryKeyId: string;
      keyIds: string[];
      tables: { table: string; total: number }[];
    }
  | { type: 'table-start'; table: string; total: number }
  | { type: 'progress'; counts: TableCounts; rowsPerSecond: number; etaSeconds: number | undefined }
  | { type: 'row-failed'; failure: RowFailure }
  | { type: 'warning'; message: string }
  | { type: 'table-done'; counts: TableCounts }
  | { type: 'run-done'; summary: RunSummary };

export type EngineEventListener = (event: EngineEvent) => void;
