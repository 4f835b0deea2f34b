// The Ink view of a running re-encryption: one block per column with a bar, rows done of total,
// rows/s, ETA and the counters. State comes from the engine's event stream through a pure reducer,
// so the headless CLI and the interactive runbook draw the same thing from the same events.
import { Box, Text } from 'ink';
import type { RotationMode } from '../crypto/envelope.js';
import type { EngineEvent, RowFailure, RunKind, TableCounts } from '../engine/events.js';
import { ProgressBar } from './components/ProgressBar.js';
import { safeText } from './safe-text.js';

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

function updateTable(tables: readonly TableProgress[], table: string, change: (t: TableProgress) => TableProgress): TableProgress[] {
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
      return { ...state, tables: updateTable(state.tables, event.table, (t) => ({ ...t, total: event.total, status: 'running' })) };
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
      return { ...state, failures: [...state.failures, event.failure].slice(-KEPT_FAILURES), failureCount: state.failureCount + 1 };
    case 'warning':
      return { ...state, warnings: [...state.warnings, event.message].slice(-3) };
    case 'table-done':
      return { ...state, tables: updateTable(state.tables, event.counts.table, (t) => ({ ...t, counts: event.counts, status: 'done' })) };
    case 'run-done':
      return {
        ...state,
        finished: true,
        cancelled: event.summary.cancelled,
        etaSeconds: undefined,
        failureCount: Math.max(state.failureCount, event.summary.failures.length),
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

const number = new Intl.NumberFormat('en-US');

export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

function TableBlock({ table, state, color, barWidth }: { table: TableProgress; state: ProgressState; color: boolean; barWidth: number }) {
  const c = table.counts;
  const processed = c?.processed ?? 0;
  const total = Math.max(table.total, processed);
  const fraction = total === 0 ? (table.status === 'done' ? 1 : 0) : processed / total;
  const rotatedLabel = state.kind === 'dry-run' ? 'to rotate' : 'rotated';
  const running = table.status === 'running';
  return (
    <Box flexDirection="column">
      <Text bold={color}>
        {safeText(table.table)} {table.status === 'done' ? '(done)' : table.status === 'waiting' ? '(waiting)' : ''}
      </Text>
      <Text>
        {'  '}
        <ProgressBar fraction={fraction} width={barWidth} color={color} /> {String(Math.floor(fraction * 100)).padStart(3)}%{' '}
        {number.format(processed)}/{number.format(total)} rows
        {running ? `  ${number.format(Math.round(state.rowsPerSecond))} rows/s  ETA ${formatEta(state.etaSeconds)}` : ''}
      </Text>
      <Text>
        {'  '}
        {rotatedLabel} {number.format(c?.rotated ?? 0)}  already {number.format(c?.alreadyPrimary ?? 0)}  NULL {number.format(c?.nulls ?? 0)}{'  '}
        {color && (c?.failed ?? 0) > 0 ? <Text color="red">failed {number.format(c?.failed ?? 0)}</Text> : `failed ${number.format(c?.failed ?? 0)}`}
        {'  '}retried {number.format(c?.retried ?? 0)}
      </Text>
    </Box>
  );
}

export interface ReencryptProgressProps {
  readonly state: ProgressState;
  readonly color?: boolean;
  /** Terminal columns; the bar shrinks to fit 80 columns and below. */
  readonly columns?: number;
}

export function ReencryptProgress({ state, color = true, columns = 80 }: ReencryptProgressProps) {
  const barWidth = Math.max(10, Math.min(40, columns - 50));
  const title =
    state.kind === 'dry-run'
      ? `Dry run: checking every value against ${state.primaryKeyId ?? '?'}`
      : `Re-encrypting to ${state.primaryKeyId ?? '?'} (${state.mode ?? 'reencrypt'} mode)`;
  return (
    <Box flexDirection="column">
      <Text bold={color}>
        {title}
        {state.cancelled ? ' — stopped' : state.finished ? ' — finished' : ''}
      </Text>
      {state.tables.map((t) => (
        <TableBlock key={t.table} table={t} state={state} color={color} barWidth={barWidth} />
      ))}
      {state.failureCount > 0 ? (
        <Box flexDirection="column">
          <Text color={color ? 'red' : undefined}>Failures ({number.format(state.failureCount)}):</Text>
          {state.failures.map((f, i) => (
            <Text key={`${f.table}:${f.id}:${i}`} wrap="truncate-end">
              {'  '}
              {safeText(f.table)} id={safeText(f.id)}: {safeText(f.reason)}
            </Text>
          ))}
        </Box>
      ) : null}
      {state.warnings.map((w, i) => (
        <Text key={i} color={color ? 'yellow' : undefined} wrap="truncate-end">
          warning: {safeText(w)}
        </Text>
      ))}
    </Box>
  );
}
