// What one input event means for a text field. Ink hands over a chunk: one key, or several when
// they arrive faster than it reads them (typing fast, key repeat, a paste), and a chunk of several
// backspaces is not reported as a backspace at all. So the chunk is read character by character:
// DEL (0x7F) and BS (0x08) each delete one character, a line break submits (what follows it is
// dropped), runs of other characters are typed.
import type { Key } from 'ink';

export type TypedAction =
  { type: 'char'; char: string } | { type: 'backspace' } | { type: 'submit' } | { type: 'cancel' };

export function typedActions(
  input: string,
  key: Pick<Key, 'escape' | 'return' | 'backspace' | 'delete' | 'ctrl' | 'meta'>,
): TypedAction[] {
  if (key.escape) return [{ type: 'cancel' }];
  if (key.return) return [{ type: 'submit' }];
  if ((key.backspace || key.delete) && !/[^\u007f\b]/.test(input))
    return Array.from({ length: Math.max(1, input.length) }, () => ({ type: 'backspace' as const }));
  if (!input || key.ctrl || key.meta) return [];
  const out: TypedAction[] = [];
  let run = '';
  const flush = () => {
    if (run) out.push({ type: 'char', char: run });
    run = '';
  };
  for (const c of input) {
    if (c === '\u007f' || c === '\b') {
      flush();
      out.push({ type: 'backspace' });
    } else if (c === '\r' || c === '\n') {
      flush();
      out.push({ type: 'submit' });
      break;
    } else run += c;
  }
  flush();
  return out;
}
