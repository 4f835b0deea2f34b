// The state behind ReencryptProgress: a pure reducer over the engine's events. Kept apart from the
// component so headless renderers can use it without loading Ink and React.
import type { RotationMode } from '../crypto/envelope.js';
import { failureTotal, type EngineEvent, type RowFailure, type RunKind, type TableCounts } from '../engine/events.js';

export interface TableProgress {
  readonly table: string;
  readonly total: number;
  readonly counts: TableCounts | undefined;
  readonly status: 'waiting' | 'running' | 'done';
}

export interface ProgressState {
  readonly kind: RunKind | undefined;
  readonly mode: RotationMode | undefined;
  readonly primaryKeyId: string | undefined;
  readonly tables: readonly TableProgress[];
  readonly rowsPerSecond: number;
  readonly etaSeconds: number | undefined;
  readonly failures: readonly RowFailure[];
  readonly failureCount: number;
  readonly warnings: readonly string[];
  readonly finished: boolean;
  readonly cancelled: boolean;
}

export const initialProgress: ProgressState = {
  kind: undefined,
  mode: undefined,
  primaryKeyId: undefined,
  tables: [],
  rowsPerSecond: 0,
  etaSeconds: undefined,
  failures: [],
  failureCount: 0,
  warnings: [],
  finished: false,
  cancelled: false,
};

/** Failures kept for display; the full list is printed by whoever renders the summary. */
const KEPT_FAILURES = 5;

function updateTable(
  tables: readonly TableProgress[],
  table: string,
  change: (t: TableProgress) => TableProgress,
): TableProgress[] {
  const found = tables.some((t) => t.table === table);
  const list = found ? [...tables] : [...tables, { table, total: 0, counts: undefined, status: 'waiting' as const }];
  return list.map((t) => (t.table === table ? change(t) : t));
}

export function reduceProgress(state: ProgressState, event: EngineEvent): ProgressState {
  switch (event.type) {
    case 'run-start':
      return {
        ...initialProgress,
        kind: event.kind,
        mode: event.mode,
        primaryKeyId: event.primaryKeyId,
        tables: event.tables.map((t) => ({ table: t.table, total: t.total, counts: undefined, status: 'waiting' })),
      };
    case 'table-start':
      return {
        ...state,
        tables: updateTable(state.tables, event.table, (t) => ({ ...t, total: event.total, status: 'running' })),
      };
    case 'progress':
      return {
        ...state,
        rowsPerSecond: event.rowsPerSecond,
        etaSeconds: event.etaSeconds,
        tables: updateTable(state.tables, event.counts.table, (t) => ({
          ...t,
          total: Math.max(event.counts.total, t.total),
          counts: event.counts,
          status: t.status === 'done' ? 'done' : 'running',
        })),
      };
    case 'row-failed':
      return {
        ...state,
        failures: [...state.failures, event.failure].slice(-KEPT_FAILURES),
        failureCount: state.failureCount + 1,
      };
    case 'warning':
      return { ...state, warnings: [...state.warnings, event.message].slice(-3) };
    case 'table-done':
      return {
        ...state,
        tables: updateTable(state.tables, event.counts.table, (t) => ({ ...t, counts: event.counts, status: 'done' })),
      };
    case 'run-done':
      return {
        ...state,
        finished: true,
        cancelled: event.summary.cancelled,
        etaSeconds: undefined,
        failureCount: Math.max(state.failureCount, failureTotal(event.summary)),
        tables: event.summary.tables.reduce<readonly TableProgress[]>(
          (tables, counts) => updateTable(tables, counts.table, (t) => ({ ...t, counts, status: 'done' })),
          state.tables,
        ),
      };
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}
