// The layout every phase screen shares: header, phase bar, the runbook text, the body, an error
// if there is one, and the key help footer. Width follows the terminal on resize. An action that
// needs a typed confirmation opens the prompt here, and owns the keyboard until it is answered.
import { Box, useInput } from 'ink';
import { useContext, useState, type ReactNode } from 'react';
import { KeyboardTaken } from './QuitQuestion.js';
import { keyLabel, useActionKeys, type ScreenAction } from '../use-action-keys.js';
import { useTerminalSize } from '../use-terminal-size.js';
import { ConfirmPrompt } from './ConfirmPrompt.js';
import { ErrorBox, type ErrorBoxProps } from './ErrorBox.js';
import { Header, type HeaderProps } from './Header.js';
import { KeyHelp, type KeyBinding } from './KeyHelp.js';
import { PhaseBar, type PhaseBarProps } from './PhaseBar.js';
import { StepText, type StepTextContent } from './StepText.js';

export interface ScreenChrome {
  readonly header: HeaderProps;
  readonly phases: PhaseBarProps;
  readonly step?: StepTextContent | undefined;
  readonly error?: ErrorBoxProps | undefined;
  /** One line about work going on beside the step (the emergency credential listing), under the phases. */
  readonly notice?: ReactNode | undefined;
}

export interface ScreenFrameProps extends ScreenChrome {
  readonly children?: ReactNode;
  /** Keys the screen answers through the machine (shown in the footer). */
  readonly actions?: readonly ScreenAction[];
  /** Keys handled by a control in the body (shown in the footer, bound by that control). */
  readonly extraHelp?: readonly KeyBinding[];
  /** True while a control in the body (a text prompt) owns the keyboard. */
  readonly inputCaptured?: boolean;
}

export function ScreenFrame({ header, phases, step, error, notice, children, actions = [], extraHelp = [], inputCaptured = false }: ScreenFrameProps) {
  const { columns } = useTerminalSize();
  const [expanded, setExpanded] = useState(false);
  const [pending, setPending] = useState<ScreenAction | undefined>(undefined);
  const taken = useContext(KeyboardTaken);
  const free = pending === undefined && !inputCaptured && !taken;
  useActionKeys(actions, (action) => (action.typeToConfirm ? setPending(action) : action.run()), free);
  useInput(
    (input) => {
      if (input === '?') setExpanded((e) => !e);
    },
    { isActive: free },
  );
  const help: KeyBinding[] = !free
    ? []
    : [...actions.map((a) => ({ keys: keyLabel(a.key), action: a.label })), ...extraHelp];
  if (free && (step?.why || step?.risks || step?.undo)) help.push({ keys: '?', action: expanded ? 'back to the step' : 'more' });
  return (
    <Box flexDirection="column" width={columns}>
      <Header {...header} />
      <PhaseBar {...phases} />
      {notice ?? null}
      {step ? (
        <Box marginTop={1}>
          <StepText step={step} expanded={expanded} />
        </Box>
      ) : null}
      {/* Expanded runbook text takes the body's place, so the screen still fits 24 rows. */}
      {expanded && step ? null : (
        <Box marginTop={1} flexDirection="column">
          {children}
        </Box>
      )}
      {error ? <ErrorBox {...error} /> : null}
      {pending?.typeToConfirm ? (
        <ConfirmPrompt
          question={`${pending.label}: this cannot be undone from here.`}
          typeToConfirm={pending.typeToConfirm}
          onConfirm={() => {
            setPending(undefined);
            pending.run();
          }}
          onCancel={() => setPending(undefined)}
        />
      ) : null}
      {help.length > 0 ? (
        <Box marginTop={1}>
          <KeyHelp bindings={help} />
        </Box>
      ) : null}
    </Box>
  );
}
