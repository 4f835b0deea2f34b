// The terminal's size, updated on resize, so layouts re-flow when the operator resizes the window.
import { useStdout } from 'ink';
import { createContext, useContext, useEffect, useState } from 'react';

export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

/** Without a TTY (tests, pipes) the size is unknown; 80x24 is the layout every screen must fit. */
export const DEFAULT_SIZE: TerminalSize = { columns: 80, rows: 24 };

/** Rows taken by something drawn outside the screen (the rehearsal's activity panel). */
export const ReservedRowsContext = createContext(0);

/** The terminal's size; `rows` is what is left for the screen after reserved rows. */
export function useTerminalSize(): TerminalSize {
  const reserved = useContext(ReservedRowsContext);
  const { stdout } = useStdout();
  const read = (): TerminalSize => ({
    columns: stdout.columns || DEFAULT_SIZE.columns,
    rows: stdout.rows || DEFAULT_SIZE.rows,
  });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stdout]);
  return reserved > 0 ? { columns: size.columns, rows: Math.max(10, size.rows - reserved) } : size;
}
