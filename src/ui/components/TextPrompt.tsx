// Asks for one line of text (a file path), prefilled; Enter submits, Esc cancels.
import { Text, useInput } from 'ink';
import { useEffect, useReducer } from 'react';
import { reduceTextInput } from '../state/text-input.js';
import { useTheme } from '../theme.js';
import { typedActions } from '../state/typed-keys.js';

export interface TextPromptProps {
  readonly label: string;
  readonly initial?: string;
  readonly onSubmit: (value: string) => void;
  readonly onCancel: () => void;
}

export function TextPrompt({ label, initial = '', onSubmit, onCancel }: TextPromptProps) {
  const theme = useTheme();
  const [state, dispatch] = useReducer(reduceTextInput, { kind: 'editing', value: initial });
  useInput(
    (input, key) => {
      for (const action of typedActions(input, key)) dispatch(action);
    },
    { isActive: state.kind === 'editing' },
  );
  useEffect(() => {
    if (state.kind === 'submitted') onSubmit(state.value);
    if (state.kind === 'cancelled') onCancel();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.kind]);
  return (
    <Text>
      <Text bold color={theme.tone('accent')}>
        ?{' '}
      </Text>
      {label} <Text bold>{state.kind === 'editing' ? state.value : ''}</Text>
      <Text inverse> </Text>
      <Text color={theme.tone('muted')}> (Enter to write, Esc to cancel)</Text>
    </Text>
  );
}
