// The interactive runbook draws on the terminal's alternate screen, as full-screen terminal tools
// do (less, vim, htop, k9s): whatever was on the terminal before it started, the rehearsal's
// briefing and the shell's scrollback included, is exactly as it was when it ends, however the
// frames grew or the terminal was resized meanwhile. A size change clears the alternate screen
// before Ink redraws, so no stale fragment of a wider frame is left behind. When it ends, the last
// screen is printed once on the normal screen, so what the operator last saw stays in scrollback.

const ENTER = '\u001b[?1049h\u001b[H';
const LEAVE = '\u001b[?1049l';
const CLEAR = '\u001b[2J\u001b[H';

/**
 * The stream Ink should draw on. Ink clears the terminal with ESC[2J ESC[3J when a frame is as tall
 * as the terminal (a small window); ESC[3J also erases the scrollback, which is not Ink's to erase.
 * On the alternate screen clearing what is visible is harmless, so only ESC[3J is dropped.
 */
export function keepScrollback(out: NodeJS.WriteStream): NodeJS.WriteStream {
  return new Proxy(out, {
    get(target, property) {
      if (property === 'write') {
        return (chunk: unknown, ...rest: unknown[]) =>
          (target.write as (...args: unknown[]) => boolean)(
            typeof chunk === 'string' ? chunk.replaceAll('\u001b[3J', '') : chunk,
            ...rest,
          );
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export interface AlternateScreen {
  /** Back to the normal screen; `lastFrame` (plain text) is printed there. Safe to call twice. */
  leave(lastFrame?: string): void;
}

/** On a terminal, switches to the alternate screen until `leave`; elsewhere does nothing. */
export function enterAlternateScreen(out: NodeJS.WriteStream): AlternateScreen {
  if (!out.isTTY) return { leave: (frame) => frame && out.write(`${frame}\n`) };
  out.write(ENTER);
  let size = `${out.columns}x${out.rows}`;
  // Registered before Ink's own listener, so it runs first: Ink then draws on a clean screen. Any
  // change counts: a narrower terminal re-wraps the old frame, a shorter one scrolls it.
  const onResize = () => {
    const now = `${out.columns}x${out.rows}`;
    if (now !== size) out.write(CLEAR);
    size = now;
  };
  out.on('resize', onResize);
  let left = false;
  return {
    leave(lastFrame) {
      if (left) return;
      left = true;
      out.off('resize', onResize);
      out.write(LEAVE);
      if (lastFrame) out.write(`${lastFrame}\n`);
    },
  };
}
