// The layout every phase screen shares: header, phase bar, the runbook text, the body, an error
// if there is one, and the key help footer. Width follows the terminal on resize. An action that
// needs a typed confirmation opens the prompt here, and owns the keyboard until it is answered.
import { Box, Text, useInput } from 'ink';
import { useTheme } from '../theme.js';
import { useContext, useState, type ReactNode } from 'react';
import { KeyboardTaken } from './QuitQuestion.js';
import { keysLabel, useActionKeys, type ScreenAction } from '../use-action-keys.js';
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
  /** Why Enter does nothing here (shown when it is pressed), where no action takes Enter. */
  readonly enterHint?: string | undefined;
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

export function ScreenFrame({
  header,
  phases,
  step,
  error,
  notice,
  children,
  actions = [],
  extraHelp = [],
  inputCaptured = false,
  enterHint,
}: ScreenFrameProps) {
  const { columns } = useTerminalSize();
  const [expanded, setExpanded] = useState(false);
  const [pending, setPending] = useState<ScreenAction | undefined>(undefined);
  const taken = useContext(KeyboardTaken);
  const free = pending === undefined && !inputCaptured && !taken;
  useActionKeys(actions, (action) => (action.typeToConfirm ? setPending(action) : action.run()), free);
  const [hinted, setHinted] = useState<'enter' | 'escape' | undefined>(undefined);
  const takes = (k: string) => actions.some((a) => a.key === k || a.aliases?.includes(k));
  const enterTaken = takes('enter');
  useInput(
    (input, key) => {
      // ? everywhere: the step's why, risks and undo, and every key of the screen; Esc closes it.
      if (input === '?') setExpanded((e) => !e);
      else if (key.escape && expanded) setExpanded(false);
      else if (key.return && !enterTaken) setHinted('enter');
      else if (key.escape && !takes('escape')) setHinted('escape');
    },
    { isActive: free },
  );
  const bindings: KeyBinding[] = [...actions.map((a) => ({ keys: keysLabel(a), action: a.label })), ...extraHelp];
  const help: KeyBinding[] = !free
    ? []
    : expanded
      ? [{ keys: '?', action: 'back to the step' }]
      : [...bindings, { keys: '?', action: 'help' }];
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
      {/* Expanded help takes the body's place, so the screen still fits 24 rows. */}
      {expanded ? <KeyList bindings={bindings} enterHint={enterTaken ? undefined : enterHint} /> : null}
      {expanded ? null : (
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
      {hinted === 'enter' && enterHint && !expanded ? <KeyHint name="Enter" text={enterHint} /> : null}
      {hinted === 'escape' && !expanded ? (
        <KeyHint
          name="Esc"
          text="nothing to go back to from this step: what it did stays done (q quits, and kek-rotate offers to continue next time)"
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

/** Why Enter or Esc did nothing, once it was pressed. */
function KeyHint({ name, text }: { readonly name: string; readonly text: string }) {
  const theme = useTheme();
  return (
    <Box marginTop={1}>
      <Text color={theme.tone('warn')}>
        {name}: {text}
      </Text>
    </Box>
  );
}

/** The help view's list of every key the screen answers, one per line. */
function KeyList({
  bindings,
  enterHint,
}: {
  readonly bindings: readonly KeyBinding[];
  readonly enterHint?: string | undefined;
}) {
  const theme = useTheme();
  const width = Math.max(...bindings.map((b) => b.keys.length), 5);
  return (
    <Box marginTop={1} flexDirection="column">
      <Text bold>Keys on this screen</Text>
      {bindings.map((b) => (
        <Box key={b.keys}>
          <Box width={width + 2}>
            <Text bold>{b.keys}</Text>
          </Box>
          <Text>{b.action}</Text>
        </Box>
      ))}
      {enterHint ? (
        <Box>
          <Box width={width + 2}>
            <Text bold>Enter</Text>
          </Box>
          <Text color={theme.tone('muted')}>{enterHint}</Text>
        </Box>
      ) : null}
      {bindings.some((b) => b.keys === 'q') ? null : (
        <Box>
          <Box width={width + 2}>
            <Text bold>q</Text>
          </Box>
          <Text color={theme.tone('muted')}>quits at any step (asks first during a live run)</Text>
        </Box>
      )}
    </Box>
  );
}
