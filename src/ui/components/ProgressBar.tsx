// A fixed-width progress bar. Plain characters so it reads the same with NO_COLOR and in a log.
import { Text } from 'ink';

export interface ProgressBarProps {
  /** 0..1; values outside are clamped (totals are estimates while the application keeps writing). */
  readonly fraction: number;
  readonly width?: number;
  readonly color?: boolean;
}

export function ProgressBar({ fraction, width = 30, color = true }: ProgressBarProps) {
  const clamped = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.round(clamped * width);
  const done = '█'.repeat(filled);
  const left = '░'.repeat(width - filled);
  return (
    <Text>
      {color ? <Text color="green">{done}</Text> : done}
      {color ? <Text dimColor>{left}</Text> : left}
    </Text>
  );
}
