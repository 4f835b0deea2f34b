// The end: what was done, and the reminders (archive the old key, roll back if data was missed).
// On the emergency path, the checklist of credentials to rotate at their providers.
import { Box, Text } from 'ink';
import { CredentialChecklist } from '../components/CredentialChecklist.js';
import { ScreenFrame, type ScreenChrome } from '../components/ScreenFrame.js';
import { safeText } from '../../text/terminal-safe.js';
import type { CredentialRef } from '../../journal/entry.js';
import { useTheme } from '../theme.js';
import type { ScreenAction } from '../use-action-keys.js';
import { useTerminalSize } from '../use-terminal-size.js';

export interface ChecklistView {
  readonly credentials: readonly CredentialRef[];
  readonly ticked: readonly string[];
  readonly onTick: (key: string) => void;
  /** Lines about where the list came from and where it was written (or why it could not be). */
  readonly notes: readonly { readonly text: string; readonly tone: 'ok' | 'warn' | 'muted' }[];
}

export interface SummaryScreenProps extends ScreenChrome {
  readonly title: string;
  readonly lines: readonly string[];
  /** Emergency: the credentials readable with the leaked key, to rotate at their providers. */
  readonly checklist?: ChecklistView | undefined;
  readonly reminders?: readonly string[];
  readonly actions: readonly ScreenAction[];
}

/**
 * Rows the frame takes around the checklist: header, phase bar, step title and text (two lines),
 * the "?" hint, the summary title, the checklist's title and position line, the footer (two lines),
 * the margins between them, and one spare row: a frame as tall as the terminal wipes its scrollback.
 */
const CHROME_ROWS = 16;

export function SummaryScreen({ title, lines, checklist, reminders = [], actions, ...chrome }: SummaryScreenProps) {
  const theme = useTheme();
  const { rows, columns } = useTerminalSize();
  const linesOf = (text: string) => Math.max(1, Math.ceil(text.length / Math.max(20, columns)));
  const around = [...lines, ...(checklist?.notes.map((n) => n.text) ?? []), ...reminders].reduce(
    (n, t) => n + linesOf(t),
    0,
  );
  const extraHelp =
    checklist && checklist.credentials.length > 0
      ? [
          { keys: '↑/↓', action: 'move' },
          { keys: 'Space', action: 'tick' },
        ]
      : [];
  return (
    <ScreenFrame {...chrome} actions={actions} extraHelp={extraHelp}>
      <Box flexDirection="column">
        <Text bold color={theme.tone('ok')}>
          {title}
        </Text>
        {lines.map((line, i) => (
          <Text key={i}>{safeText(line)}</Text>
        ))}
        {checklist
          ? checklist.notes.map((note, i) => (
              <Text key={`n${i}`} color={theme.tone(note.tone)}>
                {safeText(note.text)}
              </Text>
            ))
          : null}
        {checklist ? (
          <CredentialChecklist
            credentials={checklist.credentials}
            ticked={checklist.ticked}
            onTick={checklist.onTick}
            height={Math.max(3, rows - CHROME_ROWS - around)}
          />
        ) : null}
        {reminders.map((line, i) => (
          <Text key={i} color={theme.tone('warn')}>
            ! {safeText(line)}
          </Text>
        ))}
      </Box>
    </ScreenFrame>
  );
}
