// The end: what was done, and the reminders (archive the old key, roll back if data was missed).
import { Box, Text } from 'ink';
import { Checklist, type ChecklistItem } from '../components/Checklist.js';
import { ScreenFrame, type ScreenChrome } from '../components/ScreenFrame.js';
import { safeText } from '../../text/terminal-safe.js';
import { useTheme } from '../theme.js';
import type { ScreenAction } from '../use-action-keys.js';

export interface SummaryScreenProps extends ScreenChrome {
  readonly title: string;
  readonly lines: readonly string[];
  /** Emergency: the credentials readable with the leaked key, to rotate at their providers. */
  readonly credentials?: readonly ChecklistItem[] | undefined;
  readonly reminders?: readonly string[];
  readonly actions: readonly ScreenAction[];
}

export function SummaryScreen({ title, lines, credentials, reminders = [], actions, ...chrome }: SummaryScreenProps) {
  const theme = useTheme();
  return (
    <ScreenFrame {...chrome} actions={actions}>
      <Box flexDirection="column">
        <Text bold color={theme.tone('ok')}>
          {title}
        </Text>
        {lines.map((line, i) => (
          <Text key={i}>{safeText(line)}</Text>
        ))}
        {credentials ? <Checklist title="Rotate these credentials at their providers" items={credentials} height={6} /> : null}
        {reminders.map((line, i) => (
          <Text key={i} color={theme.tone('warn')}>
            ! {safeText(line)}
          </Text>
        ))}
      </Box>
    </ScreenFrame>
  );
}
