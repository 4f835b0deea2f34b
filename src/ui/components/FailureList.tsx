// Rows that could not be rotated or verified: id and reason, a few at a time, ↑/↓ PgUp/PgDn to scroll.
// Ids and reasons come from the database, so they are stripped of control characters.
import { Box, Text } from 'ink';
import { safeText } from '../../text/terminal-safe.js';
import { useScrollWindow } from '../use-scroll-window.js';
import { useTheme } from '../theme.js';

export interface FailureItem {
  readonly id: string;
  readonly reason: string;
  readonly table?: string | undefined;
  readonly keyId?: string | undefined;
}

export interface FailureListProps {
  readonly failures: readonly FailureItem[];
  /** Rows visible at once. */
  readonly height?: number;
  /** The full count when `failures` holds only the first ones. */
  readonly totalCount?: number;
  readonly isActive?: boolean;
  readonly width?: number;
}

export function FailureList({ failures, height = 5, totalCount, isActive = true, width = 80 }: FailureListProps) {
  const theme = useTheme();
  const bounds = { total: failures.length, visible: height };
  const offset = useScrollWindow(bounds, isActive);
  if (failures.length === 0) return <Text color={theme.tone('ok')}>No failed rows.</Text>;
  const shown = failures.slice(offset, offset + height);
  const total = totalCount ?? failures.length;
  return (
    <Box flexDirection="column">
      <Text bold color={theme.tone('danger')}>
        {total} failed row{total === 1 ? '' : 's'} (showing {offset + 1}–{offset + shown.length} of {failures.length}
        {total > failures.length ? `; first ${failures.length} listed` : ''})
      </Text>
      {shown.map((f, index) => {
        const where = f.table ? `${safeText(f.table)} ` : '';
        const line = `  ${where}id=${safeText(f.id)}${f.keyId ? ` (${safeText(f.keyId)})` : ''}: ${safeText(f.reason)}`;
        return (
          <Text key={offset + index} wrap="truncate-end">
            {line.length > width ? `${line.slice(0, width - 1)}…` : line}
          </Text>
        );
      })}
      {failures.length > height ? <Text color={theme.tone('muted')}> ↑/↓ PgUp/PgDn scroll</Text> : null}
    </Box>
  );
}
