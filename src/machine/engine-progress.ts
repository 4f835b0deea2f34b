// Folds the engine's event stream into the progress the UI draws: latest counts per table,
// rate, ETA and warnings. Pure, so the machine's assign stays one line.
import { MAX_KEPT_FAILURES } from '../engine/column-tally.js';
import type { EngineEvent, RowFailure, TableCounts } from '../engine/events.js';
import type { EngineProgress } from './contract.js';

export function emptyProgress(): EngineProgress {
  return { kind: undefined, tables: [], rowsPerSecond: 0, etaSeconds: undefined, paused: false, warnings: [] };
}

function upsert(tables: TableCounts[], counts: TableCounts): TableCounts[] {
  const index = tables.findIndex((t) => t.table === counts.table);
  if (index < 0) return [...tables, counts];
  return tables.map((t, i) => (i === index ? counts : t));
}

function blankCounts(table: string, total: number): TableCounts {
  return {
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
}

const MAX_WARNINGS = 20;

export function applyEngineEvent(progress: EngineProgress, event: EngineEvent): EngineProgress {
  switch (event.type) {
    case 'run-start':
      return { ...emptyProgress(), kind: event.kind, tables: event.tables.map((t) => blankCounts(t.table, t.total)) };
    case 'table-start':
      return { ...progress, tables: upsert(progress.tables, blankCounts(event.table, event.total)) };
    case 'progress':
      return {
        ...progress,
        tables: upsert(progress.tables, { ...event.counts }),
        rowsPerSecond: event.rowsPerSecond,
        etaSeconds: event.etaSeconds,
      };
    case 'table-done':
      return { ...progress, tables: upsert(progress.tables, { ...event.counts }) };
    case 'warning':
      return { ...progress, warnings: [...progress.warnings, event.message].slice(-MAX_WARNINGS) };
    case 'row-failed':
    case 'run-done':
      return progress;
    default: {
      const never: never = event;
      throw new Error(`unknown engine event ${String((never as { type: string }).type)}`);
    }
  }
}

/**
 * Failures as they stream in, the first MAX_KEPT_FAILURES of them like the engine's own list (the
 * counters have them all): a wrong key fails every row, and a million-row table must not make the
 * runbook hold, and copy on every event, a million entries.
 */
export function addFailure(failures: RowFailure[], event: EngineEvent): RowFailure[] {
  if (event.type !== 'row-failed' || failures.length >= MAX_KEPT_FAILURES) return failures;
  return [...failures, event.failure];
}
