// OSC 52: the exact bytes a terminal reads as "set the clipboard to this text".
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatKey } from '../../src/crypto/key.js';
import { osc52, OSC52_HINT, shellSnippet } from '../../src/deploy/index.js';

describe('osc52', () => {
  it('is ESC ] 52 ; c ; base64 of the UTF-8 text, ended by BEL', () => {
    expect(osc52('hi\n')).toBe('\u001b]52;c;aGkK\u0007');
    expect(osc52('')).toBe('\u001b]52;c;\u0007');
  });

  it('carries a whole snippet byte for byte: newlines, quotes, "•", and the key', () => {
    const key = { id: 'kek-v2', bytes: randomBytes(32) };
    const snippet = `${shellSnippet({ primary: key })}# it's "quoted" • \\ $HOME\n`;
    const sequence = osc52(snippet);
    const match = /^\u001b\]52;c;([A-Za-z0-9+/]*={0,2})\u0007$/.exec(sequence);
    expect(match, 'one OSC 52 sequence, nothing around it').not.toBeNull();
    const decoded = Buffer.from(match![1]!, 'base64').toString('utf8');
    expect(decoded === snippet, 'the decoded clipboard text is the snippet').toBe(true);
    expect(decoded.includes(formatKey(key)), 'the key is in the copied snippet').toBe(true);
    // Nothing inside could end the sequence early or start another one.
    expect(/[\u0000-\u001f\u007f]/.test(sequence.slice(1, -1))).toBe(false);
  });

  it('tells the operator what the terminal must allow', () => {
    expect(OSC52_HINT).toContain('set-clipboard on');
  });
});
