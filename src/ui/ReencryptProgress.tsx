// The Ink view of a running re-encryption: one block per column with a bar, rows done of total,
// rows/s, ETA and the counters. State comes from the engine's event stream through a pure reducer,
// so the headless CLI and the interactive runbook draw the same thing from the same events.
import { Box, Text } from 'ink';
import { ProgressBar } from './components/ProgressBar.js';
import { formatEta, type ProgressState, type TableProgress } from './reencrypt-progress-state.js';
import { safeText } from '../text/terminal-safe.js';

export {
  formatEta,
  initialProgress,
  reduceProgress,
  type ProgressState,
  type TableProgress,
} from './reencrypt-progress-state.js';

const number = new Intl.NumberFormat('en-US');

function TableBlock({
  table,
  state,
  color,
  columns,
  paused,
}: {
  table: TableProgress;
  state: ProgressState;
  color: boolean;
  columns: number;
  paused: boolean;
}) {
  const c = table.counts;
  const processed = c?.processed ?? 0;
  const total = Math.max(table.total, processed);
  const fraction = total === 0 ? (table.status === 'done' ? 1 : 0) : processed / total;
  const rotatedLabel = state.kind === 'dry-run' ? 'to rotate' : 'rotated';
  const running = table.status === 'running';
  // A paused run has no rate: the last one would be stale, and its ETA false.
  const rate = !running
    ? ''
    : paused
      ? '  paused'
      : `  ${number.format(Math.round(state.rowsPerSecond))} rows/s  ETA ${formatEta(state.etaSeconds)}`;
  const counts = ` ${String(Math.floor(fraction * 100)).padStart(3)}% ${number.format(processed)}/${number.format(total)} rows${rate}`;
  // The bar takes what the line leaves, so the line never wraps (40 at most, 10 at least).
  const barWidth = Math.max(10, Math.min(40, columns - 2 - counts.length - 1));
  return (
    <Box flexDirection="column">
      <Text bold={color}>
        {safeText(table.table)} {table.status === 'done' ? '(done)' : table.status === 'waiting' ? '(waiting)' : ''}
      </Text>
      <Text>
        {'  '}
        <ProgressBar fraction={fraction} width={barWidth} color={color} />
        {counts}
      </Text>
      <Text>
        {'  '}
        {rotatedLabel} {number.format(c?.rotated ?? 0)} already {number.format(c?.alreadyPrimary ?? 0)} NULL{' '}
        {number.format(c?.nulls ?? 0)}
        {'  '}
        {color && (c?.failed ?? 0) > 0 ? (
          <Text color="red">failed {number.format(c?.failed ?? 0)}</Text>
        ) : (
          `failed ${number.format(c?.failed ?? 0)}`
        )}
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
  /** The run is paused: no rate or ETA. */
  readonly paused?: boolean;
}

export function ReencryptProgress({ state, color = true, columns = 80, paused = false }: ReencryptProgressProps) {
  const title =
    state.kind === undefined
      ? 'Counting rows…'
      : state.kind === 'dry-run'
        ? `Dry run: checking every value against ${state.primaryKeyId ?? '?'}`
        : `Re-encrypting to ${state.primaryKeyId ?? '?'} (${state.mode ?? 'reencrypt'} mode)`;
  return (
    <Box flexDirection="column">
      <Text bold={color}>
        {title}
        {state.cancelled ? ' — stopped' : state.finished ? ' — finished' : ''}
      </Text>
      {state.tables.map((t) => (
        <TableBlock key={t.table} table={t} state={state} color={color} columns={columns} paused={paused} />
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
