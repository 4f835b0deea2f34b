// The scrolling window shared by every list on screen: ↑/↓ and PgUp/PgDn move it, and it stays
// inside the list when the list shrinks between renders.
import { useInput } from 'ink';
import { useReducer } from 'react';
import { clampOffset, reduceScroll, type ScrollAction, type ScrollBounds, type ScrollState } from './state/scroll.js';

/** The first visible index; keys are read only while `isActive` and the list is longer than the window. */
export function useScrollWindow(bounds: ScrollBounds, isActive: boolean): number {
  const [scroll, dispatch] = useReducer((s: ScrollState, a: ScrollAction) => reduceScroll(s, a, bounds), { offset: 0 });
  useInput(
    (_input, key) => {
      if (key.upArrow) dispatch({ type: 'up' });
      else if (key.downArrow) dispatch({ type: 'down' });
      else if (key.pageUp) dispatch({ type: 'page-up' });
      else if (key.pageDown) dispatch({ type: 'page-down' });
    },
    { isActive: isActive && bounds.total > bounds.visible },
  );
  return clampOffset(scroll.offset, bounds);
}
