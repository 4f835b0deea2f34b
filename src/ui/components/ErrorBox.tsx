// An error the operator must read: what went wrong and what to try next.
import { Box, Text } from 'ink';
import { safeText } from '../../text/terminal-safe.js';
import { useTheme } from '../theme.js';

export interface ErrorBoxProps {
  readonly title?: string;
  readonly message: string;
  readonly hint?: string | undefined;
  /** Last lines of a child process's output, when one failed. */
  readonly tail?: readonly string[];
}

export function ErrorBox({ title = 'Error', message, hint, tail = [] }: ErrorBoxProps) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.tone('danger')} paddingX={1}>
      <Text bold color={theme.tone('danger')}>
        ✗ {title}
      </Text>
      <Text>{safeText(message)}</Text>
      {hint ? <Text color={theme.tone('accent')}>→ {safeText(hint)}</Text> : null}
      {tail.slice(-5).map((line, i) => (
        <Text key={i} color={theme.tone('muted')} wrap="truncate-end">
          │ {safeText(line)}
        </Text>
      ))}
    </Box>
  );
}
