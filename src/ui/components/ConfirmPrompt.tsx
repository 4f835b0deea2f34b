// A question the operator must answer: y/n, or for a dangerous step the key id typed exactly.
import { Box, Text, useInput } from 'ink';
import { useEffect, useReducer } from 'react';
import { initialConfirm, reduceConfirm, type ConfirmAction, type ConfirmState } from '../state/confirm.js';
import { useTheme } from '../theme.js';
import { typedActions } from '../state/typed-keys.js';

export interface ConfirmPromptProps {
  readonly question: string;
  /** When set, the operator must type this text and press Enter; otherwise y/n. */
  readonly typeToConfirm?: string | undefined;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
  readonly isActive?: boolean;
}

export function ConfirmPrompt({ question, typeToConfirm, onConfirm, onCancel, isActive = true }: ConfirmPromptProps) {
  const theme = useTheme();
  const [state, dispatch] = useReducer(
    (s: ConfirmState, a: ConfirmAction) => reduceConfirm(s, a, typeToConfirm),
    initialConfirm,
  );
  useInput(
    (input, key) => {
      for (const action of typedActions(input, key)) dispatch(action);
    },
    { isActive: isActive && state.kind === 'asking' },
  );
  // Callbacks fire once, after the state settles, never during render.
  useEffect(() => {
    if (state.kind === 'confirmed') onConfirm();
    if (state.kind === 'declined') onCancel();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.kind]);

  if (typeToConfirm === undefined) {
    return (
      <Text>
        <Text bold color={theme.tone('accent')}>
          ?{' '}
        </Text>
        {question} <Text bold>[y/n]</Text>
      </Text>
    );
  }
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold color={theme.tone('danger')}>
          !{' '}
        </Text>
        {question}
      </Text>
      <Text>
        Type <Text bold>{typeToConfirm}</Text> and press Enter (Esc cancels):{' '}
        <Text bold>{state.kind === 'asking' ? state.typed : ''}</Text>
        <Text inverse> </Text>
      </Text>
      {state.kind === 'asking' && state.mismatch ? (
        <Text color={theme.tone('danger')}>That is not {typeToConfirm}; nothing was done.</Text>
      ) : null}
    </Box>
  );
}
