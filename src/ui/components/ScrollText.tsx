// Lines of text in a window of fixed height, ↑/↓ PgUp/PgDn to scroll: long SQL and snippets stay
// inside 24 rows instead of pushing the prompt off the screen.
import { Box, Text } from 'ink';
import { useScrollWindow } from '../use-scroll-window.js';
import { useTheme } from '../theme.js';

export interface ScrollTextProps {
  readonly lines: readonly string[];
  /** Lines visible at once (at least 1). */
  readonly height: number;
  readonly isActive?: boolean;
  /** Lines starting with this are drawn dimmed (comments). */
  readonly commentPrefix?: string | undefined;
}

export function ScrollText({ lines, height, isActive = true, commentPrefix }: ScrollTextProps) {
  const theme = useTheme();
  const scrollable = lines.length > Math.max(1, height);
  // When scrolling, one line of the window is kept for the position note.
  const visible = Math.max(1, scrollable ? height - 1 : height);
  const bounds = { total: lines.length, visible };
  const offset = useScrollWindow(bounds, isActive);
  const shown = lines.slice(offset, offset + visible);
  return (
    <Box flexDirection="column">
      {shown.map((line, i) => (
        // Wrapped, never truncated: a cut line would look like a complete key or statement.
        <Text
          key={offset + i}
          wrap="wrap"
          color={commentPrefix && line.startsWith(commentPrefix) ? theme.tone('muted') : undefined}
        >
          {line === '' ? ' ' : line}
        </Text>
      ))}
      {scrollable ? (
        <Text color={theme.tone('accent')}>
          ↕ lines {offset + 1}–{offset + shown.length} of {lines.length} (↑/↓ PgUp/PgDn)
        </Text>
      ) : null}
    </Box>
  );
}
