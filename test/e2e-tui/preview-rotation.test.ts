// The interactive runbook in a real pseudo-terminal (tmux, 80x24): the real machine with fake
// effects, driven by key presses through a whole rotation, and Ctrl-C. The same harness will run
// the real binary (`kek-rotate rehearse`) once the CLI dispatches to the runbook.
import { execFileSync } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasTmux, openTmux, type TmuxTerminal } from './tmux-terminal.js';

let script = '';
let term: TmuxTerminal | undefined;
afterEach(() => term?.kill());

describe.skipIf(!hasTmux)('runbook in a real terminal (tmux)', () => {
  beforeAll(() => {
    script = execFileSync('test/e2e-tui/preview.sh', ['--build-only'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  }, 240_000);

  it('a whole rotation by key presses: raw-mode keys, masked key, typed removal, exit 0', async () => {
    term = openTmux(`node ${script} --clean`);
    await term.waitFor('Enter rotate');
    term.send('Enter');
    let screen = await term.waitFor('kek-v2:••••');
    term.send('k');
    screen = await term.waitFor('Visible now');
    expect(screen).toMatch(/kek-v2:[A-Za-z0-9+/]{43}=/);
    term.send('y');
    await term.waitFor('1 runbook order');
    term.send('1');
    await term.waitFor('Both keys, runbook order');
    term.send('y');
    await term.waitFor('y start the live run');
    term.send('y');
    await term.waitFor('Live run result');
    term.send('y');
    await term.waitFor('Verified');
    term.send('y');
    await term.waitFor('Remove kek-v1');
    term.send('y');
    await term.waitFor('Type kek-v1 and press Enter');
    term.send('-l', 'kek-v1');
    term.send('Enter');
    await term.waitFor('Done: kek-v1 → kek-v2');
    term.send('q');
    screen = await term.waitFor('EXIT=');
    expect(screen).toContain('rows now {"kek-v2":40}');
    expect(screen).toContain('EXIT=0');
  }, 90_000);

  it('Ctrl-C quits from any step with the cancelled exit code', async () => {
    term = openTmux(`node ${script}`);
    await term.waitFor('Enter rotate');
    term.send('Enter');
    await term.waitFor('kek-v2:••••');
    term.send('C-c');
    const screen = await term.waitFor('EXIT=');
    expect(screen).toContain('EXIT=130');
    expect(screen).toContain('rows now {"kek-v1":40}');
  }, 60_000);
});
