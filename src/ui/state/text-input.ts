// A one-line text field (a file path): typed characters, backspace, submit, cancel.
import { safeText } from '../../text/terminal-safe.js';

export type TextInputState =
  | { readonly kind: 'editing'; readonly value: string }
  | { readonly kind: 'submitted'; readonly value: string }
  | { readonly kind: 'cancelled' };

export type TextInputAction = { type: 'char'; char: string } | { type: 'backspace' } | { type: 'submit' } | { type: 'cancel' };

export function reduceTextInput(state: TextInputState, action: TextInputAction): TextInputState {
  if (state.kind !== 'editing') return state;
  switch (action.type) {
    case 'char':
      return { kind: 'editing', value: (state.value + safeText(action.char, { replacement: '' })).slice(0, 1024) };
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
