// One line for a whole-table read in progress, short enough for 80 columns:
// `Counting llm_providers.api_key_encrypted: 40,000 of 200,000 rows · 20% · 31,000/s · ETA 0:05`
// (the column is dropped first when the line would wrap).
import { Text } from 'ink';
import type { ReadProgress } from '../../db/read-progress.js';
import { safeText } from '../../text/terminal-safe.js';
import { useTheme } from '../theme.js';
import { useTerminalSize } from '../use-terminal-size.js';
import { formatElapsed } from './Working.js';

const number = new Intl.NumberFormat('en-US');

export function describeReadProgress(read: ReadProgress, columns: number): string {
  const p = read.progress;
  const pct = p.total === 0 ? 100 : Math.min(100, Math.floor((p.done / p.total) * 100));
  const counts = `${number.format(p.done)} of ${number.format(p.total)} rows`;
  const tail = p.finished
    ? ` · done in ${formatElapsed(p.elapsedMs)}`
    : ` · ${pct}%${p.rowsPerSecond > 0 ? ` · ${number.format(Math.round(p.rowsPerSecond))}/s` : ''}${p.etaSeconds !== undefined ? ` · ETA ${formatElapsed(p.etaSeconds * 1000)}` : ''}`;
  const full = `${read.verb} ${safeText(p.column)}: ${counts}${tail}`;
  return full.length <= columns - 2 ? full : `${read.verb}: ${counts}${tail}`;
}

export function ReadProgressLine({ read }: { readonly read: ReadProgress }) {
  const theme = useTheme();
  const { columns } = useTerminalSize();
  return (
    <Text color={theme.tone('muted')} wrap="truncate-end">
      {describeReadProgress(read, columns)}
    </Text>
  );
}
