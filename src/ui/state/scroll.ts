// A scroll window over a list (failures, checklists): pure, so paging is tested without a terminal.

export interface ScrollState {
  readonly offset: number;
}

export type ScrollAction =
  { type: 'up' } | { type: 'down' } | { type: 'page-up' } | { type: 'page-down' } | { type: 'home' } | { type: 'end' };

export interface ScrollBounds {
  readonly total: number;
  readonly visible: number;
}

export function clampOffset(offset: number, { total, visible }: ScrollBounds): number {
  return Math.max(0, Math.min(offset, Math.max(0, total - visible)));
}

export function reduceScroll(state: ScrollState, action: ScrollAction, bounds: ScrollBounds): ScrollState {
  const page = Math.max(1, bounds.visible);
  const move = (offset: number): ScrollState => ({ offset: clampOffset(offset, bounds) });
  switch (action.type) {
    case 'up':
      return move(state.offset - 1);
    case 'down':
      return move(state.offset + 1);
    case 'page-up':
      return move(state.offset - page);
    case 'page-down':
      return move(state.offset + page);
    case 'home':
      return move(0);
    case 'end':
      return move(bounds.total);
    default: {
      const _exhaustive: never = action;
      return _exhaustive;
    }
  }
}
