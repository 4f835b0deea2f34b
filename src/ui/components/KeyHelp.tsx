// The footer: which keys do what on this screen.
import { Text } from 'ink';
import { useTheme } from '../theme.js';

export interface KeyBinding {
  readonly keys: string;
  readonly action: string;
}

export interface KeyHelpProps {
  readonly bindings: readonly KeyBinding[];
}

export function KeyHelp({ bindings }: KeyHelpProps) {
  const theme = useTheme();
  return (
    <Text color={theme.tone('muted')}>
      {bindings.map((b, i) => (
        <Text key={b.keys}>
          {i > 0 ? ' · ' : ''}
          <Text bold>{b.keys}</Text> {b.action}
        </Text>
      ))}
    </Text>
  );
}
