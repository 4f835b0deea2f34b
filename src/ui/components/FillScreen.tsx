// The runbook's frame as tall as the terminal but one row: on the alternate screen a resize clears
// the screen, and Ink redraws only when its output changes; a frame whose height follows the
// terminal always changes with it, so a resize (wider, narrower, taller, shorter) always redraws.
// One row short, never the full height: a frame as tall as the terminal makes Ink clear it.
import { Box } from 'ink';
import type { ReactNode } from 'react';
import { useTerminalSize } from '../use-terminal-size.js';

export function FillScreen({ children }: { readonly children: ReactNode }) {
  const { rows } = useTerminalSize();
  return (
    <Box flexDirection="column" minHeight={Math.max(1, rows - 1)}>
      {children}
    </Box>
  );
}
