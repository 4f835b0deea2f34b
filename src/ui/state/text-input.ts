// A one-line text field (a file path): typed characters, backspace, submit, cancel.
import { safeText } from '../../text/terminal-safe.js';

export type TextInputState =
  | { readonly kind: 'editing'; readonly value: string }
  | { readonly kind: 'submitted'; readonly value: string }
  | { readonly kind: 'cancelled' };

export type TextInputAction =
  { type: 'char'; char: string } | { type: 'backspace' } | { type: 'submit' } | { type: 'cancel' };

export function reduceTextInput(state: TextInputState, action: TextInputAction): TextInputState {
  if (state.kind !== 'editing') return state;
  switch (action.type) {
    case 'char': {
      // A chunk with a line break (pasted, or typed fast) is the text, then Enter.
      const enter = action.char.search(/[\r\n]/);
      const text = enter < 0 ? action.char : action.char.slice(0, enter);
      const edited: TextInputState = {
        kind: 'editing',
        value: (state.value + safeText(text, { replacement: '' })).slice(0, 1024),
      };
      return enter < 0 ? edited : reduceTextInput(edited, { type: 'submit' });
    }
    case 'backspace':
      return { kind: 'editing', value: state.value.slice(0, -1) };
    case 'submit':
      return state.value.trim() === '' ? state : { kind: 'submitted', value: state.value.trim() };
    case 'cancel':
      return { kind: 'cancelled' };
    default: {
      const _exhaustive: never = action;
      return _exhaustive;
    }
  }
}
