// The generated key, masked until the operator reveals it. Only the key id shows while masked, so
// a screenshot, a screen share or a terminal recording of the default view holds no key material.
import { Box, Text } from 'ink';
import { MASK } from '../../deploy/env-entries.js';
import { useTheme } from '../theme.js';

export interface MaskedKeyProps {
  readonly keyId: string;
  /** The full `<key_id>:<base64>` text. Rendered only while revealed. */
  readonly value: string;
  readonly revealed: boolean;
  /** The key that reveals it, for the hint line. */
  readonly revealKey?: string;
}

export function MaskedKey({ keyId, value, revealed, revealKey = 'k' }: MaskedKeyProps) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.tone(revealed ? 'warn' : 'muted')} paddingX={1}>
      {revealed ? (
        <>
          {/* wrap="anywhere"-like behaviour: the key is one word, Ink breaks it at the box edge. */}
          <Text bold>{value}</Text>
          <Text color={theme.tone('warn')}>Visible now: copy it into your secrets manager. {revealKey} hides it.</Text>
        </>
      ) : (
        <>
          <Text bold>
            {keyId}:{MASK}
          </Text>
          <Text color={theme.tone('muted')}>
            Masked. Press {revealKey} to reveal it (make sure nobody is watching your screen).
          </Text>
        </>
      )}
    </Box>
  );
}
