// What the operator has typed into a confirmation. Dangerous steps require the exact key id typed,
// so a stray "y" from muscle memory cannot remove a key.
import { safeText } from '../../text/terminal-safe.js';

export type ConfirmState =
  | { readonly kind: 'asking'; readonly typed: string; readonly mismatch: boolean }
  | { readonly kind: 'confirmed' }
  | { readonly kind: 'declined' };

export type ConfirmAction =
  { type: 'char'; char: string } | { type: 'backspace' } | { type: 'submit' } | { type: 'cancel' };

export const initialConfirm: ConfirmState = { kind: 'asking', typed: '', mismatch: false };

/** `expected` undefined: a y/n question. Otherwise the text that must be typed before Enter. */
export function reduceConfirm(state: ConfirmState, action: ConfirmAction, expected: string | undefined): ConfirmState {
  if (state.kind !== 'asking') return state;
  switch (action.type) {
    case 'char': {
      if (expected === undefined) {
        const c = action.char.toLowerCase();
        if (c === 'y') return { kind: 'confirmed' };
        if (c === 'n') return { kind: 'declined' };
        return state;
      }
      // Pasted or fast input arrives as one chunk ("kek-v1\r"): what precedes a line break is typed,
      // and the break is the Enter that submits it (it used to be stripped with the controls).
      const enter = action.char.search(/[\r\n]/);
      const text = enter < 0 ? action.char : action.char.slice(0, enter);
      // Only printable characters; a pasted control sequence must not land in the field.
      const clean = safeText(text, { replacement: '' });
      const typed: ConfirmState = { kind: 'asking', typed: (state.typed + clean).slice(0, 128), mismatch: false };
      return enter < 0 ? typed : reduceConfirm(typed, { type: 'submit' }, expected);
    }
    case 'backspace':
      return { ...state, typed: state.typed.slice(0, -1), mismatch: false };
    case 'submit':
      if (expected === undefined) return state;
      return state.typed === expected ? { kind: 'confirmed' } : { ...state, mismatch: true };
    case 'cancel':
      return { kind: 'declined' };
    default: {
      const _exhaustive: never = action;
      return _exhaustive;
    }
  }
}
