// The generated key's visibility: hidden until the operator asks, and hidden again on request.
// `revealedOnce` lets the screen say the key has been shown (it is never written anywhere else).

export interface RevealState {
  readonly revealed: boolean;
  readonly revealedOnce: boolean;
}

export type RevealAction = { type: 'toggle' } | { type: 'hide' };

export const initialReveal: RevealState = { revealed: false, revealedOnce: false };

export function reduceReveal(state: RevealState, action: RevealAction): RevealState {
  switch (action.type) {
    case 'toggle':
      return state.revealed ? { ...state, revealed: false } : { revealed: true, revealedOnce: true };
    case 'hide':
      return { ...state, revealed: false };
    default: {
      const _exhaustive: never = action;
      return _exhaustive;
    }
  }
}
