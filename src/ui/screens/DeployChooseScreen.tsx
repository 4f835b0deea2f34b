// Phase 2, first step: the two ways to deploy both keys, explained, so the operator picks knowingly.
import { Box, Text } from 'ink';
import { ScreenFrame, type ScreenChrome } from '../components/ScreenFrame.js';
import { useTheme } from '../theme.js';
import type { ScreenAction } from '../use-action-keys.js';

export interface DeployChooseScreenProps extends ScreenChrome {
  readonly newKeyId: string;
  readonly oldKeyId: string;
  readonly actions: readonly ScreenAction[];
}

export function DeployChooseScreen({ newKeyId, oldKeyId, actions, ...chrome }: DeployChooseScreenProps) {
  const theme = useTheme();
  return (
    <ScreenFrame {...chrome} actions={actions}>
      <Box flexDirection="column">
        <Text bold>
          1 Runbook order: one deploy, {newKeyId} primary at once, {oldKeyId} previous.
        </Text>
        <Text color={theme.tone('muted')}>
          {' '}
          Fine when every replica restarts together. During a rolling deploy, old
        </Text>
        <Text color={theme.tone('muted')}>
          {' '}
          replicas cannot read values new replicas already wrote under {newKeyId}.
        </Text>
        <Text bold>2 Staged, for rolling deploys: two deploys.</Text>
        <Text color={theme.tone('muted')}>
          {' '}
          2a: {newKeyId} added as decrypt-only previous ({oldKeyId} stays primary).
        </Text>
        <Text color={theme.tone('muted')}>
          {' '}
          2b: swap: {newKeyId} primary, {oldKeyId} previous. No replica ever meets
        </Text>
        <Text color={theme.tone('muted')}> a value it cannot read.</Text>
      </Box>
    </ScreenFrame>
  );
}
