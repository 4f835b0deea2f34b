// UI-local state: confirmation, scrolling, tabs, reveal. Pure functions, no terminal.
import { describe, expect, it } from 'vitest';
import { reduceTextInput } from '../../src/ui/state/text-input.js';
import { initialConfirm, reduceConfirm } from '../../src/ui/state/confirm.js';
import { initialReveal, reduceReveal } from '../../src/ui/state/reveal.js';
import { reduceScroll } from '../../src/ui/state/scroll.js';
import { reduceTabs } from '../../src/ui/state/tabs.js';

describe('confirm', () => {
  it('y/n: y confirms, n declines, other keys are ignored', () => {
    expect(reduceConfirm(initialConfirm, { type: 'char', char: 'x' }, undefined)).toBe(initialConfirm);
    expect(reduceConfirm(initialConfirm, { type: 'char', char: 'Y' }, undefined)).toEqual({ kind: 'confirmed' });
    expect(reduceConfirm(initialConfirm, { type: 'char', char: 'n' }, undefined)).toEqual({ kind: 'declined' });
  });
  it('typed: only the exact text confirms; a wrong one is flagged and nothing happens', () => {
    let s = initialConfirm;
    for (const c of 'kek-v') s = reduceConfirm(s, { type: 'char', char: c }, 'kek-v1');
    s = reduceConfirm(s, { type: 'submit' }, 'kek-v1');
    expect(s).toEqual({ kind: 'asking', typed: 'kek-v', mismatch: true });
    s = reduceConfirm(s, { type: 'char', char: '1' }, 'kek-v1');
    expect(reduceConfirm(s, { type: 'submit' }, 'kek-v1')).toEqual({ kind: 'confirmed' });
    // "y" is just a character in typed mode.
    expect(reduceConfirm(initialConfirm, { type: 'char', char: 'y' }, 'kek-v1')).toMatchObject({
      kind: 'asking',
      typed: 'y',
    });
  });
  it('typed: control characters are dropped, backspace removes, a settled answer does not change', () => {
    const s = reduceConfirm(initialConfirm, { type: 'char', char: 'a\u001b[2Jb' }, 'x');
    expect(s).toMatchObject({ typed: 'a[2Jb' });
    expect(reduceConfirm(s, { type: 'backspace' }, 'x')).toMatchObject({ typed: 'a[2J' });
    const done = reduceConfirm(s, { type: 'cancel' }, 'x');
    expect(reduceConfirm(done, { type: 'submit' }, 'x')).toBe(done);
  });
});

describe('fast or pasted input', () => {
  it('a chunk with a line break types the text, then submits: the Enter is never swallowed', () => {
    expect(reduceConfirm(initialConfirm, { type: 'char', char: 'kek-v1\r' }, 'kek-v1')).toEqual({ kind: 'confirmed' });
    expect(reduceConfirm(initialConfirm, { type: 'char', char: 'kek-v2\r' }, 'kek-v1')).toEqual({
      kind: 'asking',
      typed: 'kek-v2',
      mismatch: true,
    });
    const half = reduceConfirm(initialConfirm, { type: 'char', char: 'kek' }, 'kek-v1');
    expect(reduceConfirm(half, { type: 'char', char: '-v1\n' }, 'kek-v1')).toEqual({ kind: 'confirmed' });
    expect(reduceTextInput({ kind: 'editing', value: '' }, { type: 'char', char: '/secure/k.key\r' })).toEqual({
      kind: 'submitted',
      value: '/secure/k.key',
    });
  });
});

describe('scroll', () => {
  const bounds = { total: 12, visible: 5 };
  it('stays inside the list', () => {
    expect(reduceScroll({ offset: 0 }, { type: 'up' }, bounds)).toEqual({ offset: 0 });
    expect(reduceScroll({ offset: 0 }, { type: 'page-down' }, bounds)).toEqual({ offset: 5 });
    expect(reduceScroll({ offset: 5 }, { type: 'page-down' }, bounds)).toEqual({ offset: 7 });
    expect(reduceScroll({ offset: 7 }, { type: 'down' }, bounds)).toEqual({ offset: 7 });
    expect(reduceScroll({ offset: 7 }, { type: 'home' }, bounds)).toEqual({ offset: 0 });
    expect(reduceScroll({ offset: 0 }, { type: 'end' }, bounds)).toEqual({ offset: 7 });
    expect(reduceScroll({ offset: 0 }, { type: 'down' }, { total: 3, visible: 5 })).toEqual({ offset: 0 });
  });
});

describe('tabs and reveal', () => {
  it('tabs wrap both ways and ignore out-of-range selection', () => {
    expect(reduceTabs({ index: 3 }, { type: 'next' }, 4)).toEqual({ index: 0 });
    expect(reduceTabs({ index: 0 }, { type: 'previous' }, 4)).toEqual({ index: 3 });
    expect(reduceTabs({ index: 1 }, { type: 'select', index: 9 }, 4)).toEqual({ index: 1 });
  });
  it('reveal toggles and remembers it was shown', () => {
    const shown = reduceReveal(initialReveal, { type: 'toggle' });
    expect(shown).toEqual({ revealed: true, revealedOnce: true });
    expect(reduceReveal(shown, { type: 'toggle' })).toEqual({ revealed: false, revealedOnce: true });
  });
});

describe('phase times', () => {
  it('lists each phase with the time until the next one started, in order', async () => {
    const { phaseTimes } = await import('../../src/ui/app/view-models.js');
    expect(phaseTimes({ generate: 12_000, preflight: 0, deploy: 77_000, done: 80_400 })).toBe(
      'preflight 0:12 · generate 1:05 · deploy 0:03',
    );
    expect(phaseTimes({ preflight: 5 })).toBeUndefined();
  });
});
