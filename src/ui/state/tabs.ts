// Which tab is selected among a fixed list; arrows and Tab wrap around.

export interface TabsState {
  readonly index: number;
}

export type TabsAction = { type: 'next' } | { type: 'previous' } | { type: 'select'; index: number };

export function reduceTabs(state: TabsState, action: TabsAction, count: number): TabsState {
  if (count <= 0) return { index: 0 };
  switch (action.type) {
    case 'next':
      return { index: (state.index + 1) % count };
    case 'previous':
      return { index: (state.index - 1 + count) % count };
    case 'select':
      return action.index >= 0 && action.index < count ? { index: action.index } : state;
    default: {
      const _exhaustive: never = action;
      return _exhaustive;
    }
  }
}
