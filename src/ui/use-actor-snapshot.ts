// Subscribes React to an actor's snapshots (the shape XState v5 actors have), so the machine
// decides and React only redraws. Written here instead of adding @xstate/react.
import { useCallback, useSyncExternalStore } from 'react';

/** The part of an XState actor the UI needs: read the snapshot, hear about changes, send events. */
export interface SnapshotObserver<Snapshot> {
  next?: (snapshot: Snapshot) => void;
  error?: (error: unknown) => void;
  complete?: () => void;
}

export interface SnapshotSource<Snapshot> {
  getSnapshot(): Snapshot;
  subscribe(observer: SnapshotObserver<Snapshot>): { unsubscribe(): void };
}

export function useActorSnapshot<Snapshot>(actor: SnapshotSource<Snapshot>): Snapshot {
  const subscribe = useCallback(
    (onChange: () => void) => {
      // An error observer is required: XState rethrows errors nobody listens to. The error itself
      // shows in the snapshot (status 'error'), which is what the UI reads.
      const subscription = actor.subscribe({
        next: () => onChange(),
        error: () => onChange(),
        complete: () => onChange(),
      });
      return () => subscription.unsubscribe();
    },
    [actor],
  );
  const getSnapshot = useCallback(() => actor.getSnapshot(), [actor]);
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}
