// The terminal around the interactive runbook, through the real binary in tmux: what was on the
// terminal before it started stays in scrollback, resizing (narrower, then wider) redraws one clean
// screen with no stale fragments, and the last screen is left on the normal screen at the end.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasTmux, openTmux, type TmuxTerminal } from './tmux-terminal.js';

const bin = join(resolve(import.meta.dirname, '../..'), 'bin/kek-rotate');
const STEP = 45_000;
let term: TmuxTerminal | undefined;
let work = '';
afterEach(() => {
  term?.kill();
  term = undefined;
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!hasTmux)('the terminal around the runbook', () => {
  it('keeps the scrollback from before, redraws cleanly on resize, leaves the last screen', async () => {
    work = mkdtempSync(join(tmpdir(), 'kek-e2e-screen-'));
    const db = join(work, 'db');
    const seeded = spawnSync(
      'node',
      [bin, 'seed', '--pglite', db, '--rows', '20', '--key-out', join(work, 'kek-v1.key')],
      { cwd: work, encoding: 'utf8', timeout: 60_000 },
    );
    expect(seeded.status, seeded.stderr).toBe(0);
    // The key from ./.env (the environment prefix would reach only the printf before it).
    writeFileSync(
      join(work, '.env'),
      `SECRETS_ENCRYPTION_KEY=${readFileSync(join(work, 'kek-v1.key'), 'utf8').trim()}\n`,
      { mode: 0o600 },
    );
    const before = Array.from({ length: 30 }, (_, i) => `before-line-${i + 1}`);
    term = openTmux(
      `printf '%s\\n' ${before.join(' ')}; node ${bin} --pglite ${db} --journal ${join(work, 'j.jsonl')}`,
      {
        cwd: work,
        env: { NO_COLOR: '1' },
      },
    );
    await term.waitFor('Enter rotate', 2 * STEP);

    term.resize(60, 20);
    await term.waitFor('? help', STEP);
    await new Promise((r) => setTimeout(r, 500));
    let screen = term.screen();
    expect(screen.match(/kek-rotate/g), `one header after shrinking:\n${screen}`).toHaveLength(1);
    expect(screen.split('\n')[0]).toMatch(/^kek-rotate · /);
    expect(Math.max(...screen.split('\n').map((l) => l.trimEnd().length))).toBeLessThanOrEqual(60);

    term.resize(100, 30);
    await new Promise((r) => setTimeout(r, 500));
    screen = await term.waitFor('Enter rotate', STEP);
    expect(screen.match(/kek-rotate/g), `one header after widening:\n${screen}`).toHaveLength(1);
    expect(screen.match(/Phase 0 of 5/g)).toHaveLength(1);

    term.send('q');
    await term.waitFor('EXIT=130', STEP);
    const scrollback = execHistory(term);
    // Everything printed before, in order, then the last screen once, then what the tool said.
    const at = before.map((line) => scrollback.indexOf(`${line}\n`));
    expect(at.every((i, n) => i >= 0 && (n === 0 || i > at[n - 1]!))).toBe(true);
    const after = scrollback.slice(at.at(-1)!);
    expect(after.match(/Phase 0 of 5: Preflight/g)).toHaveLength(1);
    expect(after).toContain('stopped: the runbook was left at preflight.ready');
  }, 180_000);
});

/** The pane's own scrollback (not the captures the helper keeps). */
function execHistory(t: TmuxTerminal): string {
  const all = t.history();
  return all.slice(all.lastIndexOf('before-line-1\n'));
}
