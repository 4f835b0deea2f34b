// Phase 3: the dry run, then the live run, drawn from the engine's events (ReencryptProgress),
// with pause/resume/abort offered as actions and the failed rows listed with id and reason.
import { Text } from 'ink';
import type { RowFailure } from '../../engine/events.js';
import { FailureList } from '../components/FailureList.js';
import { ScreenFrame, type ScreenChrome } from '../components/ScreenFrame.js';
import { ReencryptProgress, type ProgressState } from '../ReencryptProgress.js';
import { useTerminalSize } from '../use-terminal-size.js';
import { useTheme } from '../theme.js';
import type { ScreenAction } from '../use-action-keys.js';

export interface ReencryptScreenProps extends ScreenChrome {
  readonly progress: ProgressState;
  readonly paused?: boolean;
  /** All failures known (the progress state keeps only the last few). */
  readonly failures?: readonly RowFailure[];
  /** A sentence after the run: what state the data is in now. */
  readonly outcome?: string | undefined;
  readonly actions: readonly ScreenAction[];
}

export function ReencryptScreen({
  progress,
  paused = false,
  failures,
  outcome,
  actions,
  ...chrome
}: ReencryptScreenProps) {
  const theme = useTheme();
  const { columns } = useTerminalSize();
  const list = failures ?? progress.failures;
  return (
    <ScreenFrame {...chrome} actions={actions} extraHelp={list.length > 5 ? [{ keys: '↑/↓', action: 'failures' }] : []}>
      <ReencryptProgress state={progress} color={theme.color} columns={columns} paused={paused} />
      {paused ? (
        <Text bold color={theme.tone('warn')}>
          ⏸ Paused: the batch in flight finished; every row is readable with the configured keys.
        </Text>
      ) : null}
      {list.length > 0 ? (
        <FailureList
          failures={list}
          height={5}
          totalCount={Math.max(progress.failureCount, list.length)}
          width={columns}
        />
      ) : null}
      {outcome ? <Text bold>→ {outcome}</Text> : null}
    </ScreenFrame>
  );
}
