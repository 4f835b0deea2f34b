// The interactive runbook needs a terminal both ways (keys in, screens out). Without one, say so
// and name the headless commands that do the same work.
import { UserError } from '../errors.js';

export interface TtyStreams {
  readonly stdinIsTTY: boolean;
  readonly stdoutIsTTY: boolean;
}

export const HEADLESS_HINT =
  'Run it in a terminal. Headless, use the commands: `kek-rotate generate-key`, `kek-rotate reencrypt --dry-run`, `kek-rotate reencrypt`, `kek-rotate verify --only-primary`, `kek-rotate report` (see `kek-rotate --help`).';

export function requireTty(tty: TtyStreams, what: string, hint: string = HEADLESS_HINT): void {
  if (tty.stdinIsTTY && tty.stdoutIsTTY) return;
  const missing =
    !tty.stdinIsTTY && !tty.stdoutIsTTY
      ? 'stdin and stdout are not a terminal'
      : !tty.stdinIsTTY
        ? 'stdin is not a terminal'
        : 'stdout is not a terminal';
  throw new UserError(`${what} needs an interactive terminal, but ${missing}`, hint);
}
