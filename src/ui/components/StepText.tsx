// The runbook's words for the current step: what it does, and on request why, what can go wrong
// and how to undo it (folded by default so the step's controls fit 24 rows). The text comes from
// runbook/, the single source for screen and docs.
import { Box, Text } from 'ink';
import { useTheme } from '../theme.js';
import { Working } from './Working.js';
import type { ReadTask } from '../../db/read-progress.js';
import { useReadProgress } from '../use-read-progress.js';
import { ReadProgressLine } from './ReadProgressLine.js';

export interface StepTextContent {
  readonly title: string;
  readonly does?: string | undefined;
  readonly why?: string | undefined;
  readonly risks?: string | undefined;
  readonly undo?: string | undefined;
  /** The tool is working and the operator waits: a spinner with the elapsed time is shown. */
  readonly working?: boolean | undefined;
  /** The whole-table read this step waits on: its rows, rate and ETA are shown under the title. */
  readonly reading?: ReadTask | undefined;
}

export interface StepTextProps {
  readonly step: StepTextContent;
  /** Show why, what can go wrong and how to undo (toggled with ? by the screen). */
  readonly expanded?: boolean;
}

export function StepText({ step, expanded = false }: StepTextProps) {
  const theme = useTheme();
  const hasMore = Boolean(step.why || step.risks || step.undo);
  const read = useReadProgress(step.working ? step.reading : undefined);
  return (
    <Box flexDirection="column">
      {step.working ? (
        <Text>
          <Text bold>{step.title}</Text> <Working />
        </Text>
      ) : (
        <Text bold>{step.title}</Text>
      )}
      {read ? <ReadProgressLine read={read} /> : null}
      {step.does ? <Text>{step.does}</Text> : null}
      {expanded && step.why ? <Text color={theme.tone('muted')}>Why: {step.why}</Text> : null}
      {expanded && step.risks ? <Text color={theme.tone('warn')}>What can go wrong: {step.risks}</Text> : null}
      {expanded && step.undo ? <Text>How to undo: {step.undo}</Text> : null}
      {!expanded && hasMore ? (
        <Text color={theme.tone('muted')}>(? shows why, what can go wrong and how to undo)</Text>
      ) : null}
    </Box>
  );
}
