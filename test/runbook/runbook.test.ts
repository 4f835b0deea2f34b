// The runbook text and its Markdown rendering: one source for the tool and the document.
import { describe, expect, it } from 'vitest';
import { GUARD_TEXT, PHASE_ORDER, PHASE_TEXT, RUNBOOK_STEPS, renderRunbookMarkdown } from '../../runbook/index.js';
import { phaseOf, STEP_IDS } from '../../src/machine/contract.js';

describe('runbook text', () => {
  it('has text for exactly the machine steps', () => {
    expect(Object.keys(RUNBOOK_STEPS).sort()).toEqual([...STEP_IDS].sort());
  });

  it('gives every step a title and a description, and every step the operator must act on an action or an undo', () => {
    for (const id of STEP_IDS) {
      const text = RUNBOOK_STEPS[id];
      expect(text.title.length, id).toBeGreaterThan(3);
      expect(text.does.length, id).toBeGreaterThan(10);
      if (!text.working && id !== 'quit') expect(text.actions.length, id).toBeGreaterThan(0);
    }
  });

  it('names only rules that exist, and every phase of every step is in the document order', () => {
    for (const text of Object.values(RUNBOOK_STEPS))
      for (const action of text.actions) if (action.guard) expect(GUARD_TEXT).toHaveProperty(action.guard);
    for (const id of STEP_IDS) expect(PHASE_ORDER).toContain(phaseOf(id));
  });
});

describe('renderRunbookMarkdown', () => {
  const md = renderRunbookMarkdown();

  it('contains every phase heading in order, numbered ones first', () => {
    const headings = md.split('\n').filter((l) => l.startsWith('## '));
    expect(headings.slice(0, 6)).toEqual([
      '## Phase 0: Preflight',
      '## Phase 1: Generate the new key',
      '## Phase 2: Deploy with both keys',
      '## Phase 3: Re-encrypt',
      '## Phase 4: Verify',
      '## Phase 5: Remove the old key',
    ]);
    for (const phase of PHASE_ORDER) expect(md).toContain(PHASE_TEXT[phase].title);
  });

  it('contains every step with its id, what it does, why, risks, undo and the rule guarding each action', () => {
    for (const id of STEP_IDS) {
      const text = RUNBOOK_STEPS[id];
      expect(md).toContain(`### ${text.title}`);
      expect(md).toContain(`step \`${id}\``);
      expect(md).toContain(text.does);
      if (text.why) expect(md).toContain(`**Why:** ${text.why}`);
      if (text.undo) expect(md).toContain(`**Undo:** ${text.undo}`);
    }
    expect(md).toContain(`| it is stored in the secrets manager | ${GUARD_TEXT.keySaved} |`);
    expect(md).toContain(GUARD_TEXT.removalAllowed);
    expect(md).not.toMatch(/undefined|\[object Object\]/);
  });

  it('lists the actions: a table only where some action is guarded, never an empty condition', () => {
    expect(md).not.toMatch(/\|\s*\|$/m);
    expect(md).toContain('| check again after a repair | always |');
    expect(md).toContain('| reveal the key | always |');
    expect(md).toMatch(/### Preflight failed[\s\S]*?\*\*You can:\*\* try again\n[\s\S]*?### Blocked/);
    expect(md).toContain('- `q` quits at any step.');
  });

  it('puts the staged deploy and the emergency order in the document', () => {
    expect(md).toMatch(/### Deploy 2a: old key primary, new key decrypt-only[\s\S]*### Deploy 2b: swap/);
    expect(md.indexOf('### Listing what the leaked key protected')).toBeLessThan(
      md.indexOf('### Re-encrypting with fresh data keys'),
    );
  });
});
