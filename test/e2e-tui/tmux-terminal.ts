// A real pseudo-terminal for end-to-end tests: a command runs in a detached tmux session of a
// fixed size; tests send keys and wait for text on the screen. Skips cleanly without tmux.
import { execFileSync, spawnSync } from 'node:child_process';

export const hasTmux = spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;

export interface TmuxTerminal {
  screen(): string;
  send(...keys: string[]): void;
  waitFor(text: string, timeoutMs?: number): Promise<string>;
  /**
   * Everything the pane printed, scrollback included, wrapped lines joined (for output longer than
   * the screen), after every screen captured so far: the interactive runbook draws on the alternate
   * screen, which leaves no scrollback, so what it showed is known from the captures.
   */
  history(): string;
  /** Like waitFor, but searches the whole history; returns it. */
  waitForInHistory(text: string, timeoutMs?: number): Promise<string>;
  /** Resizes the terminal, as a person dragging the window would. */
  resize(columns: number, rows: number): void;
  kill(): void;
}

const flat = (s: string) => s.replace(/\s+/g, ' ');

export function openTmux(
  command: string,
  { columns = 80, rows = 24, env = {} as Record<string, string>, cwd = undefined as string | undefined } = {},
): TmuxTerminal {
  const name = `kek-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const exports = Object.entries(env)
    .map(([k, v]) => `${k}='${v.replaceAll("'", `'\\''`)}'`)
    .join(' ');
  // The shell prints the exit code and keeps the pane open, so the test can read how it ended.
  const wrapped = `${exports} ${command}; echo "EXIT=$?"; sleep 600`;
  execFileSync('tmux', [
    'new-session',
    '-d',
    '-s',
    name,
    '-x',
    String(columns),
    '-y',
    String(rows),
    ...(cwd ? ['-c', cwd] : []),
    wrapped,
  ]);
  const seen: string[] = [];
  const screen = () => {
    const shown = execFileSync('tmux', ['capture-pane', '-p', '-t', name], { encoding: 'utf8' });
    if (seen.at(-1) !== shown) seen.push(shown);
    return shown;
  };
  const history = () => {
    const current = screen();
    const scrollback = execFileSync('tmux', ['capture-pane', '-p', '-J', '-S', '-', '-t', name], { encoding: 'utf8' });
    return `${seen.filter((s) => s !== current).join('\n')}\n${scrollback}`;
  };
  const poll = async (read: () => string, text: string, timeoutMs: number) => {
    const start = Date.now();
    for (;;) {
      const current = read();
      if (flat(current).includes(flat(text))) return current;
      if (Date.now() - start > timeoutMs)
        throw new Error(`timed out waiting for ${JSON.stringify(text)}; screen:\n${screen()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return {
    screen,
    send: (...keys) => {
      execFileSync('tmux', ['send-keys', '-t', name, ...keys]);
    },
    waitFor: (text, timeoutMs = 20_000) => poll(screen, text, timeoutMs),
    history,
    waitForInHistory: (text, timeoutMs = 20_000) => poll(history, text, timeoutMs),
    resize: (columns, rows) => {
      execFileSync('tmux', ['resize-window', '-t', name, '-x', String(columns), '-y', String(rows)]);
    },
    kill: () => {
      spawnSync('tmux', ['kill-session', '-t', name]);
    },
  };
}
