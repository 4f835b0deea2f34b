// Around a screen whose step writes rows: once the operator asked to quit (q or Ctrl-C), the
// question owns the keyboard until it is answered. y or q quits; n or Esc keeps the run going.
import { Box, Text, useInput } from 'ink';
import { createContext, type ReactNode } from 'react';
import type { QuitGuard } from '../quit-guard.js';
import { useTheme } from '../theme.js';
import { useActorSnapshot } from '../use-actor-snapshot.js';

/** True while a question above the screen owns the keyboard: the screen's own keys are off. */
export const KeyboardTaken = createContext(false);

export interface QuitQuestionProps {
  readonly guard: QuitGuard;
  readonly onQuit: () => void;
  readonly children: ReactNode;
}

export function QuitQuestion({ guard, onQuit, children }: QuitQuestionProps) {
  const theme = useTheme();
  const asking = useActorSnapshot(guard);
  useInput(
    (input, key) => {
      const answer = input.toLowerCase();
      if (answer === 'y' || answer === 'q') onQuit();
      else if (answer === 'n' || key.escape) guard.dismiss();
    },
    { isActive: asking },
  );
  return (
    <KeyboardTaken.Provider value={asking}>
      <Box flexDirection="column">
        {children}
        {asking ? (
          <Text>
            <Text bold color={theme.tone('warn')}>
              ?{' '}
            </Text>
            Quit while rows are being re-encrypted? The batch in flight commits or rolls back; every row stays on its
            old key or the new one. <Text bold>y/q</Text> quit · <Text bold>n/Esc</Text> keep running
          </Text>
        ) : null}
      </Box>
    </KeyboardTaken.Provider>
  );
}
