// Where am I: every phase as a numbered marker, done ones ticked, the current one named.
import { Box, Text } from 'ink';
import { useTheme } from '../theme.js';

export interface PhaseInfo {
  readonly id: string;
  /** Short label shown for the current phase, e.g. "Deploy with both keys". */
  readonly title: string;
}

export interface PhaseBarProps {
  readonly phases: readonly PhaseInfo[];
  readonly currentId: string;
  /** Phases finished; the rest before the current one show as skipped. */
  readonly doneIds?: readonly string[];
}

export function PhaseBar({ phases, currentId, doneIds = [] }: PhaseBarProps) {
  const theme = useTheme();
  const currentIndex = phases.findIndex((p) => p.id === currentId);
  const current = phases[currentIndex];
  return (
    <Box flexWrap="wrap">
      {phases.map((phase, index) => {
        const done = doneIds.includes(phase.id);
        const isCurrent = index === currentIndex;
        // Markers carry the meaning so the bar reads the same with NO_COLOR.
        const marker = isCurrent ? '▶' : done ? '✓' : ' ';
        return (
          <Text
            key={phase.id}
            bold={isCurrent}
            color={isCurrent ? theme.tone('accent') : done ? theme.tone('ok') : theme.tone('muted')}
          >
            {`[${marker}${index}] `}
          </Text>
        );
      })}
      {current ? (
        <Text bold>
          Phase {currentIndex} of {phases.length - 1}: {current.title}
        </Text>
      ) : doneIds.length === phases.length ? (
        <Text bold>All phases done</Text>
      ) : null}
    </Box>
  );
}
