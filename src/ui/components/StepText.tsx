// The runbook's words for the current step: what it does and why, and on request what can go
// wrong and how to undo it. The text comes from runbook/, the single source for screen and docs.
import { Box, Text } from 'ink';
import { useTheme } from '../theme.js';

export interface StepTextContent {
  readonly title: string;
  readonly does?: string | undefined;
  readonly why?: string | undefined;
  readonly risks?: string | undefined;
  readonly undo?: string | undefined;
}

export interface StepTextProps {
  readonly step: StepTextContent;
  /** Show "what can go wrong" and "how to undo" (toggled with ? by the screen). */
  readonly expanded?: boolean;
}

export function StepText({ step, expanded = false }: StepTextProps) {
  const theme = useTheme();
  const hasMore = Boolean(step.risks || step.undo);
  return (
    <Box flexDirection="column">
      <Text bold>{step.title}</Text>
      {step.does ? <Text>{step.does}</Text> : null}
      {step.why ? <Text color={theme.tone('muted')}>Why: {step.why}</Text> : null}
      {expanded && step.risks ? <Text color={theme.tone('warn')}>What can go wrong: {step.risks}</Text> : null}
      {expanded && step.undo ? <Text>How to undo: {step.undo}</Text> : null}
      {!expanded && hasMore ? <Text color={theme.tone('muted')}>(? shows what can go wrong and how to undo)</Text> : null}
    </Box>
  );
}
