// The rehearsal's view of the simulated application: its latest reads, writes and read failures,
// so a trainee sees concurrent writes survive and replicas fail when a key is missing.
import { Box, Text } from 'ink';
import type { ActivityLine } from '../activity-feed.js';
import { safeText } from '../../text/terminal-safe.js';
import { useTheme } from '../theme.js';

export interface ActivityPanelProps {
  readonly lines: readonly ActivityLine[];
  /** Lines shown (the newest). */
  readonly height?: number;
}

export function ActivityPanel({ lines, height = 2 }: ActivityPanelProps) {
  const theme = useTheme();
  const failures = lines.filter((l) => l.level === 'failure').length;
  return (
    <Box flexDirection="column">
      <Text color={theme.tone('muted')}>
        ─ application{' '}
        {failures > 0 ? (
          <Text color={theme.tone('danger')}>
            ({failures} read failures in the last {lines.length})
          </Text>
        ) : null}
      </Text>
      {lines.slice(-height).map((line, i) => (
        <Text key={i} wrap="truncate-end" color={line.level === 'failure' ? theme.tone('danger') : theme.tone('muted')}>
          {line.level === 'failure' ? '✗ ' : '  '}
          {safeText(line.text)}
        </Text>
      ))}
    </Box>
  );
}
