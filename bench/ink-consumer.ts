// Simulates the TUI attached to a run: every engine event goes through the real reducer and
// rerenders the real Ink <ReencryptProgress> into a dummy 80x24 terminal, as the interactive
// screen does. Loaded only by the worker that measures it, so headless runs never load React.
import { Writable } from 'node:stream';
import { createElement } from 'react';
import { render } from 'ink';
import type { EngineEvent } from '../src/engine/events.js';
import { ReencryptProgress, initialProgress, reduceProgress, type ProgressState } from '../src/ui/ReencryptProgress.js';

export interface InkConsumer {
  onEvent(event: EngineEvent): void;
  /** Unmounts; returns the bytes drawn. */
  finish(): number;
}

class DummyTerminal extends Writable {
  bytes = 0;
  readonly isTTY = true;
  readonly columns = 80;
  readonly rows = 24;
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.bytes += chunk.length;
    done();
  }
}

export function startInkConsumer(): InkConsumer {
  const terminal = new DummyTerminal();
  let state: ProgressState = initialProgress;
  const view = () => createElement(ReencryptProgress, { state, color: true, columns: terminal.columns });
  const instance = render(view(), {
    stdout: terminal as unknown as NodeJS.WriteStream,
    stderr: terminal as unknown as NodeJS.WriteStream,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return {
    onEvent(event) {
      state = reduceProgress(state, event);
      instance.rerender(view());
    },
    finish() {
      instance.unmount();
      return terminal.bytes;
    },
  };
}
