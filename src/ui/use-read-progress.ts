// The progress of the whole-table reads (inventory, verification, credential listing) as the
// effects report it, for any component: rows read of the total, rate, ETA. Absent (tests that drive
// a bare actor), the components fall back to the spinner alone.
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { ReadProgress, ReadProgressFeed, ReadProgressSnapshot, ReadTask } from '../db/read-progress.js';

export const ReadProgressContext = createContext<ReadProgressFeed | undefined>(undefined);

const EMPTY: ReadProgressSnapshot = {};
const NO_FEED = { subscribe: () => () => undefined, current: () => EMPTY };

export function useReadProgress(task: ReadTask | undefined): ReadProgress | undefined {
  const feed = useContext(ReadProgressContext) ?? NO_FEED;
  const snapshot = useSyncExternalStore(feed.subscribe, feed.current);
  return task ? snapshot[task] : undefined;
}
