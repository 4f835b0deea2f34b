// Text fields under fast input: Ink delivers keys that arrive together as one chunk, and a chunk
// of several backspaces is not reported as a backspace. Six quick backspaces must delete six
// characters, and a paste that ends in Enter must submit what was pasted.
import { afterEach, describe, expect, it } from 'vitest';
import { ConfirmPrompt } from '../../src/ui/components/ConfirmPrompt.js';
import { TextPrompt } from '../../src/ui/components/TextPrompt.js';
import { typedActions } from '../../src/ui/state/typed-keys.js';
import { renderInk, type Rendered } from './render-ink.js';

let current: Rendered | undefined;
afterEach(() => current?.unmount());
const none = { escape: false, return: false, backspace: false, delete: false, ctrl: false, meta: false };

describe('typed keys', () => {
  it('reads a chunk character by character', () => {
    expect(typedActions('ab\u007f\u007fcd\rignored', none)).toEqual([
      { type: 'char', char: 'ab' },
      { type: 'backspace' },
      { type: 'backspace' },
      { type: 'char', char: 'cd' },
      { type: 'submit' },
    ]);
    expect(typedActions('\u007f\u007f\u007f', { ...none, backspace: true })).toHaveLength(3);
    expect(typedActions('', { ...none, backspace: true })).toEqual([{ type: 'backspace' }]);
    expect(typedActions('x', { ...none, ctrl: true })).toEqual([]);
  });

  it('six quick backspaces delete six characters of a path', async () => {
    let submitted = '';
    current = renderInk(
      <TextPrompt label="Path" initial="abcdefghij" onSubmit={(v) => (submitted = v)} onCancel={() => {}} />,
    );
    await current.waitFor((t) => t.includes('abcdefghij'));
    await current.press('\u007f'.repeat(6));
    await current.waitFor((t) => t.includes('Path abcd '));
    await current.press('xy\r');
    await current.waitFor(() => submitted !== '');
    expect(submitted).toBe('abcdxy');
  });

  it('a typed confirmation survives a typo fixed fast and a pasted Enter', async () => {
    let confirmed = false;
    current = renderInk(
      <ConfirmPrompt
        question="Remove?"
        typeToConfirm="kek-v1"
        onConfirm={() => (confirmed = true)}
        onCancel={() => {}}
      />,
    );
    await current.waitFor((t) => t.includes('Type kek-v1'));
    await current.press('kek-v2\u007f1\r');
    await current.waitFor(() => confirmed);
    expect(confirmed).toBe(true);
  });
});

describe('fitting the target into the header', () => {
  it('keeps what fits, cuts the middle, never the database name', async () => {
    const { fitTarget } = await import('../../src/ui/fit-target.js');
    expect(fitTarget('postgres://a@h/db', 40)).toBe('postgres://a@h/db');
    const cut = fitTarget('postgres://user:****@very-long-host.example.com:5432/prod?sslmode=require', 30);
    expect(cut).toHaveLength(30);
    expect(cut).toBe('postgres://user:****@ver…/prod');
    expect(fitTarget('postgres://h/a_really_long_database_name', 10)).toBe('…/a_really_long_database_name');
    expect(fitTarget('postgres://user@host.example.com/prod', 14)).toBe('postgres…/prod');
    expect(fitTarget('postgres://user@host.example.com/prod', 12)).toBe('…/prod');
  });
});
