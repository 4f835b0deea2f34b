// The terminal renderer: ReencryptProgress drawn on stderr (stdout stays for data), redrawn at most
// ten times a second however fast events arrive.
import { render } from 'ink';
import type { EngineEvent } from '../../engine/events.js';
import { ReencryptProgress, initialProgress, reduceProgress, type ProgressState } from '../../ui/ReencryptProgress.js';
import type { Output } from '../output.js';
import type { RunRenderer } from './renderer.js';

const REDRAW_MS = 100;

export function inkRenderer(out: Output): RunRenderer {
  let state: ProgressState = initialProgress;
  const stderr = out.io.stderr as NodeJS.WriteStream;
  const view = () => <ReencryptProgress state={state} color={out.color} columns={stderr.columns ?? 80} />;
  const instance = render(view(), { stdout: stderr, stderr, patchConsole: false, exitOnCtrlC: false });
  let timer: NodeJS.Timeout | undefined;
  const redraw = () => {
    timer = undefined;
    instance.rerender(view());
  };
  return {
    onEvent(event: EngineEvent) {
      state = reduceProgress(state, event);
      if (event.type === 'run-done' || event.type === 'table-done') {
        if (timer) clearTimeout(timer);
        redraw();
      } else if (!timer) {
        timer = setTimeout(redraw, REDRAW_MS);
      }
    },
    async close() {
      if (timer) clearTimeout(timer);
      redraw();
      instance.unmount();
      await instance.waitUntilExit().catch(() => undefined);
    },
  };
}
