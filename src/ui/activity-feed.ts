// The last few things the (simulated) application did, for the rehearsal's activity panel. The
// sandbox pushes lines; the App subscribes like it does to the machine. Lines must hold no secret.
import type { SnapshotObserver, SnapshotSource } from './use-actor-snapshot.js';

export interface ActivityLine {
  readonly text: string;
  /** Failures (a replica could not read a value) stand out. */
  readonly level: 'info' | 'failure';
}

export interface ActivityFeed extends SnapshotSource<readonly ActivityLine[]> {
  push(line: ActivityLine): void;
}

export function createActivityFeed(limit = 50): ActivityFeed {
  let lines: readonly ActivityLine[] = [];
  const observers = new Set<SnapshotObserver<readonly ActivityLine[]>>();
  return {
    push(line) {
      // A new array each time: useSyncExternalStore compares snapshots by identity.
      lines = [...lines, line].slice(-limit);
      observers.forEach((o) => o.next?.(lines));
    },
    getSnapshot: () => lines,
    subscribe(observer) {
      observers.add(observer);
      return { unsubscribe: () => observers.delete(observer) };
    },
  };
}
