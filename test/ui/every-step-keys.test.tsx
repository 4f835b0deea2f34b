// Every step of the machine, on screen, against the README's key table (runbook/keys.ts): `?`
// shows the help with the keys of the screen, `q` quits (asking first during a live run), Enter is
// the step's main action or says why there is none, Esc goes back where the machine allows it or
// says why it cannot. Each step is reached by the machine's own shortest path (test/machine/machine-walk.ts) and
// drawn by the real App at 80x24; key presses go to a recorder, so each check starts from the step.
import { afterEach, describe, expect, it } from 'vitest';
import type { StepId, UiEvent } from '../../src/machine/contract.js';
import { App, enterHintFor } from '../../src/ui/App.js';
import { actionsFor, keysOf } from '../../src/ui/app/step-actions.js';
import type { RunbookActor } from '../../src/ui/app/runbook-actor.js';
import { LIVE_STEPS } from '../../src/ui/quit-guard.js';
import { snapshotPerStep, type Snap } from '../machine/machine-walk.js';
import { KEYS, renderInk, type Rendered } from './render-ink.js';

let r: Rendered | undefined;
afterEach(() => r?.unmount());

const steps = [...snapshotPerStep({ rotationId: 'keys' }).entries()].filter(([step]) => step !== 'quit');

function recorder(snapshot: Snap): RunbookActor & { sent: UiEvent[] } {
  const sent: UiEvent[] = [];
  const view = {
    value: snapshot.value as string,
    context: snapshot.context,
    status: 'active' as const,
    can: (e: UiEvent) => snapshot.can(e),
  };
  return {
    sent,
    getSnapshot: () => view,
    subscribe: () => ({ unsubscribe: () => undefined }),
    send: (e) => sent.push(e),
  };
}

const flat = (s: string) => s.replace(/\s+/g, ' ');
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

async function draw(snapshot: Snap) {
  const actor = recorder(snapshot);
  r?.unmount();
  r = renderInk(<App actor={actor} />, { columns: 80, rows: 24 });
  await r.waitFor((f) => f.includes('kek-rotate'));
  return actor;
}

describe('the keys of the README on every step', () => {
  it('covers every step but the end', () => {
    expect(steps.length).toBeGreaterThan(50);
  });

  it.each(steps)(
    '%s',
    async (step: StepId, snapshot: Snap) => {
      const specs = actionsFor(step, snapshot.context, (e) => snapshot.can(e));

      // ?: the help, with the keys of this screen; ? again returns.
      await draw(snapshot);
      await r!.press('?');
      let f = await r!.waitFor((t) => t.includes('Keys on this screen'), `${step}: ? shows the keys`);
      expect(flat(f)).toMatch(/\bq\b/);
      await r!.press('?');
      await r!.waitFor((t) => !t.includes('Keys on this screen'), `${step}: ? again returns`);

      // q: quits; during a live run it asks first.
      let actor = await draw(snapshot);
      await r!.press('q');
      if (LIVE_STEPS.includes(step)) {
        await r!.waitFor((t) => t.includes('Quit while rows are being re-encrypted?'), `${step}: q asks`);
        expect(actor.sent).toEqual([]);
      } else {
        await settle();
        expect(actor.sent, `${step}: q quits`).toEqual([{ type: 'QUIT' }]);
      }

      // Enter: the main action, or a line that says why there is none.
      actor = await draw(snapshot);
      const enter = specs.find((s) => keysOf(s).includes('enter'));
      // The README: Enter is the same as y wherever y confirms.
      if (snapshot.can({ type: 'CONFIRM' }))
        expect(enter?.event, `${step}: Enter confirms`).toEqual({ type: 'CONFIRM' });
      await r!.press(KEYS.enter);
      if (!enter) {
        f = await r!.waitFor((t) => t.includes('Enter: '), `${step}: Enter says why it does nothing`);
        expect(flat(f)).toContain(flat(`Enter: ${enterHintFor(step, specs)!}`).slice(0, 40));
      } else if (enter.typeToConfirm) {
        await r!.waitFor(
          (t) => t.includes(`Type ${enter.typeToConfirm}`),
          `${step}: Enter asks for the typed confirmation`,
        );
      } else if (enter.event.type === 'WRITE_KEY_FILE' || enter.event.type === 'LOAD_KEY_FILE') {
        await r!.waitFor((t) => t.includes('Enter to'), `${step}: Enter opens the path prompt`);
      } else {
        await settle();
        expect(actor.sent, `${step}: Enter does ${enter.label}`).toEqual([enter.event]);
      }

      // Esc: back where the machine allows it, else a line that says why not.
      actor = await draw(snapshot);
      await r!.press(KEYS.escape);
      if (snapshot.can({ type: 'CANCEL' })) {
        await settle();
        expect(actor.sent, `${step}: Esc goes back`).toEqual([{ type: 'CANCEL' }]);
      } else {
        await r!.waitFor((t) => t.includes('Esc: nothing to go back to'), `${step}: Esc says why not`);
        expect(actor.sent).toEqual([]);
      }
    },
    30_000,
  );
});
