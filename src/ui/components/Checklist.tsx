// Emergency: the credentials the leaked key could read, to be rotated at their providers.
// Names come from the database and are stripped of control characters.
import { Box, Text } from 'ink';
import { safeText } from '../../text/terminal-safe.js';
import { useScrollWindow } from '../use-scroll-window.js';
import { useTheme } from '../theme.js';

export interface ChecklistItem {
  readonly id: string;
  readonly name: string;
  /** e.g. openai, anthropic. */
  readonly kind: string;
}

export interface ChecklistProps {
  readonly title: string;
  readonly items: readonly ChecklistItem[];
  readonly height?: number;
  readonly isActive?: boolean;
}

export function Checklist({ title, items, height = 8, isActive = true }: ChecklistProps) {
  const theme = useTheme();
  const bounds = { total: items.length, visible: height };
  const offset = useScrollWindow(bounds, isActive);
  return (
    <Box flexDirection="column">
      <Text bold color={theme.tone('warn')}>
        {title} ({items.length})
      </Text>
      {items.length === 0 ? <Text color={theme.tone('muted')}>  Nothing stored under that key.</Text> : null}
      {items.slice(offset, offset + height).map((item) => (
        <Text key={item.id} wrap="truncate-end">
          {'  [ ] '}
          {safeText(item.name).slice(0, 30).padEnd(31)}
          {safeText(item.kind).slice(0, 14).padEnd(15)}
          <Text color={theme.tone('muted')}>{safeText(item.id)}</Text>
        </Text>
      ))}
      {items.length > height ? (
        <Text color={theme.tone('muted')}>
          {'  '}
          {offset + 1}–{Math.min(offset + height, items.length)} of {items.length} · ↑/↓ PgUp/PgDn scroll
        </Text>
      ) : null}
    </Box>
  );
}
