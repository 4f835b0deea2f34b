// "The tool works, you wait": a spinner and the time since the step began, so a long read (an
// inventory, a verification) never looks like a hung screen.
import { Text } from 'ink';
import Spinner from 'ink-spinner';
import { useEffect, useState } from 'react';
import { useTheme } from '../theme.js';

/** m:ss, or h:mm:ss from an hour on. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export function Working({ now = Date.now }: { readonly now?: () => number }) {
  const theme = useTheme();
  const [started] = useState(now);
  const [elapsed, setElapsed] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setElapsed(now() - started), 1000);
    return () => clearInterval(timer);
  }, [now, started]);
  return (
    <Text color={theme.tone('accent')}>
      <Spinner type="dots" /> <Text color={theme.tone('muted')}>working · {formatElapsed(elapsed)}</Text>
    </Text>
  );
}
