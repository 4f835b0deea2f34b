// The runbook tells the operator when the journal it resumes from had lines it skipped (not
// entries kek-rotate wrote): which lines, and that nothing in them was used.
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/ui/App.js';
import { fakeActor } from './fake-actor.js';
import { renderInk, type Rendered } from './render-ink.js';

let r: Rendered | undefined;
afterEach(() => r?.unmount());

const flat = (s: string) => s.replace(/\s+/g, ' ');

describe('preflight with a journal that had lines skipped', () => {
  it('the resume offer says how many lines were skipped and which', async () => {
    const actor = fakeActor(
      { preflight: 'resumeOffer' },
      {
        configured: { primaryKeyId: 'kek-v2', previousKeyId: 'kek-v1' },
        newKeyId: 'kek-v2',
        oldKeyId: 'kek-v1',
        inventory: [
          {
            label: 'llm_providers.api_key_encrypted',
            total: 10,
            nulls: 0,
            invalid: 0,
            byKeyId: { 'kek-v2': 6, 'kek-v1': 4 },
          },
        ],
        resumeTarget: 'reencrypt',
        resumePoint: {
          rotationId: 'r',
          path: 'rotate',
          phase: 'reencrypt',
          step: 'reencrypt.live',
          outcome: 'cancelled',
          time: 't',
          finished: false,
          skippedLines: [3, 7],
        },
      },
      ['RESUME_FROM_JOURNAL', 'START_FRESH', 'QUIT'],
    );
    r = renderInk(<App actor={actor} />);
    const frame = await r.waitFor(
      (f) => flat(f).includes('2 journal lines were skipped (lines 3 and 7)'),
      'the skipped lines',
    );
    expect(flat(frame)).toContain('not entries kek-rotate wrote, so nothing in them is shown or trusted.');
  });
});
