// Phase 2 (and the final deploy of phase 5, and rollback): the configuration to deploy as snippets
// in the formats operators paste, how the two deploy strategies differ, and the deploy confirmation.
import { Box, Text, useInput } from 'ink';
import { useReducer } from 'react';
import type { KeyConfig } from '../../deploy/env-entries.js';
import type { SnippetOptions } from '../../deploy/snippets.js';
import { ScreenFrame, type ScreenChrome } from '../components/ScreenFrame.js';
import { SnippetTabs } from '../components/SnippetTabs.js';
import { initialReveal, reduceReveal } from '../state/reveal.js';
import { safeText } from '../../text/terminal-safe.js';
import { useTheme } from '../theme.js';
import { useTerminalSize } from '../use-terminal-size.js';
import type { ScreenAction } from '../use-action-keys.js';

export interface DeployScreenProps extends ScreenChrome {
  /** The configuration to deploy now. */
  readonly config: KeyConfig;
  /** e.g. "Step 2a of 2: the new key as decrypt-only previous". */
  readonly stageLabel?: string | undefined;
  /** Lines explaining this deploy (strategy, what replicas can read afterwards). */
  readonly notes?: readonly string[];
  readonly snippetOptions?: Omit<SnippetOptions, 'mask'>;
  /** Key ids whose material kek-rotate does not hold: the snippets stay masked for them. */
  readonly missingKeys?: readonly string[];
  readonly actions: readonly ScreenAction[];
}

export function DeployScreen({ config, stageLabel, notes = [], snippetOptions, missingKeys = [], actions, ...chrome }: DeployScreenProps) {
  const theme = useTheme();
  const { rows, columns } = useTerminalSize();
  const [reveal, dispatch] = useReducer(reduceReveal, initialReveal);
  // Without every key's material an unmasked snippet would be wrong, so it stays masked.
  const canReveal = missingKeys.length === 0;
  useInput((input) => {
    if (input === 'k' && canReveal) dispatch({ type: 'toggle' });
  });
  return (
    <ScreenFrame
      {...chrome}
      actions={actions}
      extraHelp={[
        { keys: '←/→', action: 'format' },
        ...(canReveal ? [{ keys: 'k', action: reveal.revealed ? 'mask keys' : 'show keys' }] : []),
      ]}
    >
      <Box flexDirection="column">
        {stageLabel ? <Text bold>{safeText(stageLabel)}</Text> : null}
        {notes.map((note, i) => (
          <Text key={i} color={theme.tone('muted')}>
            {safeText(note)}
          </Text>
        ))}
        {missingKeys.map((id) => (
          <Text key={id} color={theme.tone('warn')}>
            kek-rotate does not hold {safeText(id)}: paste its value from your secrets manager.
          </Text>
        ))}
      </Box>
      {canReveal && reveal.revealed && columns < 100 ? (
        <Text color={theme.tone('warn')}>Lines wider than the window are wrapped: widen it to copy each on one line.</Text>
      ) : null}
      <SnippetTabs
        config={config}
        masked={!(canReveal && reveal.revealed)}
        options={snippetOptions ?? {}}
        // What is left of the screen after the header, runbook text, notes and footer.
        maxLines={Math.max(4, rows - 17 - notes.length - missingKeys.length)}
      />
    </ScreenFrame>
  );
}
