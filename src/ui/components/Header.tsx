// The top line of every screen: what is being rotated, and whether this is an emergency or a rehearsal.
import { Text } from 'ink';
import { safeText } from '../../text/terminal-safe.js';
import { useTheme } from '../theme.js';
import { fitTarget } from '../fit-target.js';
import { useTerminalSize } from '../use-terminal-size.js';

export interface HeaderProps {
  /** e.g. "kek-v1 → kek-v2", or undefined before the keys are known. */
  readonly rotation?: string | undefined;
  /** Where we are connected (a masked URL or "sandbox"). */
  readonly target?: string | undefined;
  readonly emergency?: boolean;
  readonly sandbox?: boolean;
}

export function Header({ rotation, target, emergency = false, sandbox = false }: HeaderProps) {
  const theme = useTheme();
  const { columns } = useTerminalSize();
  // What the line holds before the target; the target gets the rest (its middle cut, never its end).
  const before = `kek-rotate${emergency ? ' [EMERGENCY: key compromised]' : ''}${sandbox ? ' [rehearsal]' : ''}${rotation ? ` · ${safeText(rotation)}` : ''} · `;
  const shown = target ? fitTarget(safeText(target), Math.max(12, columns - before.length)) : undefined;
  return (
    // One Text so a long line is cut at the edge instead of squeezing each part into a column.
    <Text wrap="truncate-end">
      <Text bold color={theme.tone('accent')}>
        kek-rotate
      </Text>
      {emergency ? (
        <Text bold color={theme.tone('danger')}>
          {' '}
          [EMERGENCY: key compromised]
        </Text>
      ) : null}
      {sandbox ? <Text color={theme.tone('warn')}> [rehearsal]</Text> : null}
      {rotation ? <Text> · {safeText(rotation)}</Text> : null}
      {shown ? <Text color={theme.tone('muted')}> · {shown}</Text> : null}
    </Text>
  );
}
