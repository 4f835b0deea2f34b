// A look at the interactive runbook in a real terminal: the real machine with the fake effects of
// the machine tests (no database). Built and run by preview.sh, used to eyeball screens in tmux.
import { createActor } from 'xstate';
import { createRunbookMachine } from '../../src/machine/runbook-machine.js';
import { loadInkLive } from '../../src/ui/load-ink-live.js';
import { fakeEffects, makeWorld } from '../machine/fake-effects.js';

// --clean: no invalid row, so the rotation can run to the end.
const world = makeWorld({ rows: { 'kek-v1': 40 }, invalid: process.argv.includes('--clean') ? 0 : 1 });
const actor = createActor(createRunbookMachine(fakeEffects(world)), {
  input: { rotationId: 'preview', emergency: process.argv.includes('--emergency') },
});
// Ink must draw live in this terminal even under CI (see load-ink-live.ts), so it loads first.
await loadInkLive();
const { runInteractive } = await import('../../src/ui/run-interactive.js');
const end = await runInteractive({ actor, target: 'fake database (preview)', sandbox: true });
const code = { finished: 0, cancelled: 130, failed: 70 }[end];
process.stdout.write(`exit ${code}; rows now ${JSON.stringify(world.rows)}\n`);
process.exitCode = code;
