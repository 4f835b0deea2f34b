// Renders an Ink tree into fake streams at a fixed terminal width, with resize, key presses and
// waiting for content (polling the last frame, never a blind sleep). Output is ANSI-stripped.
import { EventEmitter } from 'node:events';
import { stripVTControlCharacters } from 'node:util';
import { render as inkRender } from 'ink';
import type { ReactElement } from 'react';

class FakeStdout extends EventEmitter {
  frames: string[] = [];
  isTTY = true;
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string) => {
    this.frames.push(frame);
    return true;
  };
  resize(columns: number, rows: number) {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write = (data: string) => {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  };
  read = () => {
    const d = this.data;
    this.data = null;
    return d;
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

export const KEYS = {
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  tab: '\t',
  shiftTab: '\u001B[Z',
  enter: '\r',
  escape: '\u001B',
  backspace: '\u007F',
  pageDown: '\u001B[6~',
  pageUp: '\u001B[5~',
  ctrlC: '\u0003',
} as const;

export interface FakeTerminal {
  readonly stdout: FakeStdout;
  readonly stderr: FakeStdout;
  readonly stdin: FakeStdin;
  /** The last frame, ANSI stripped. */
  frame(): string;
  /** Every frame written so far, ANSI stripped (to prove something was never shown). */
  allFrames(): string;
  press(input: string): Promise<void>;
  type(text: string): Promise<void>;
  resize(columns: number, rows?: number): void;
  waitFor(predicate: (frame: string) => boolean, what?: string, timeoutMs?: number): Promise<string>;
}

export interface Rendered extends FakeTerminal {
  rerender(tree: ReactElement): void;
  unmount(): void;
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export function createFakeTerminal({ columns = 80, rows = 24 } = {}): FakeTerminal {
  const stdout = new FakeStdout(columns, rows);
  const stderr = new FakeStdout(columns, rows);
  const stdin = new FakeStdin();
  // Outside debug mode Ink also writes bare control sequences (synchronised-output markers,
  // cursor moves); the frame is the last write with something visible in it.
  const frame = () => {
    for (let i = stdout.frames.length - 1; i >= 0; i--) {
      const text = stripVTControlCharacters(stdout.frames[i]!);
      if (text.trim() !== '') return text;
    }
    return '';
  };
  return {
    stdout,
    stderr,
    stdin,
    frame,
    allFrames: () => stripVTControlCharacters(stdout.frames.join('\n')),
    async press(input) {
      await tick();
      stdin.write(input);
      await tick();
    },
    async type(text) {
      for (const ch of text) {
        await tick();
        stdin.write(ch);
      }
      await tick();
    },
    resize: (c, r = rows) => stdout.resize(c, r),
    async waitFor(predicate, what = 'expected content', timeoutMs = 3000) {
      const start = Date.now();
      for (;;) {
        const current = frame();
        if (predicate(current)) return current;
        if (Date.now() - start > timeoutMs) {
          throw new Error(`timed out waiting for ${what}; last frame:\n${current}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}

export function renderInk(tree: ReactElement, size: { columns?: number; rows?: number } = {}): Rendered {
  const terminal = createFakeTerminal(size);
  const instance = inkRender(tree, {
    stdout: terminal.stdout as unknown as NodeJS.WriteStream,
    stderr: terminal.stderr as unknown as NodeJS.WriteStream,
    stdin: terminal.stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return {
    ...terminal,
    rerender: (t) => instance.rerender(t),
    unmount: () => {
      instance.unmount();
      instance.cleanup();
    },
  };
}

/** Longest line of a frame, in characters (for the 80-column check). */
export function widestLine(frame: string): number {
  return Math.max(0, ...frame.split('\n').map((line) => [...line].length));
}
