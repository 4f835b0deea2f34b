// Stopped during phases 2–3: both keys are deployed, so every row is readable whichever key it is
// on; there is nothing to roll back. The screen says so and shows where the data stands.
import { Box, Text } from 'ink';
import { ScreenFrame, type ScreenChrome } from '../components/ScreenFrame.js';
import { safeText } from '../../text/terminal-safe.js';
import { useTheme } from '../theme.js';
import type { ScreenAction } from '../use-action-keys.js';

export interface StoppedScreenProps extends ScreenChrome {
  readonly newKeyId?: string | undefined;
  readonly oldKeyId?: string | undefined;
  /** Rows per key id, read when the run stopped; undefined while they are being read. */
  readonly rowsByKeyId: Readonly<Record<string, number>> | undefined;
  /** When they were read. */
  readonly readAt?: Date | undefined;
  readonly actions: readonly ScreenAction[];
}

const number = new Intl.NumberFormat('en-US');

export function StoppedScreen({ newKeyId, oldKeyId, rowsByKeyId, readAt, actions, ...chrome }: StoppedScreenProps) {
  const theme = useTheme();
  return (
    <ScreenFrame {...chrome} actions={actions}>
      <Box flexDirection="column">
        <Text bold color={theme.tone('ok')}>
          Stopped safely. Nothing to roll back.
        </Text>
        <Text>
          Both keys are configured ({newKeyId ?? 'new'} primary, {oldKeyId ?? 'old'} previous): every row can be read,
          whichever key it is on. Keep this configuration deployed until the re-encryption is finished.
        </Text>
        {rowsByKeyId === undefined ? <Text color={theme.tone('muted')}>Reading the rows per key now…</Text> : null}
        {rowsByKeyId !== undefined && readAt ? (
          <Text color={theme.tone('muted')}>Rows per key, read at {readAt.toLocaleTimeString('en-GB')}:</Text>
        ) : null}
        {Object.entries(rowsByKeyId ?? {}).map(([keyId, rows]) => (
          <Text key={keyId}>
            {'  '}
            {safeText(keyId).padEnd(20)}
            {number.format(rows).padStart(10)} rows
          </Text>
        ))}
        <Text color={theme.tone('muted')}>Running kek-rotate again offers to continue from here.</Text>
      </Box>
    </ScreenFrame>
  );
}
