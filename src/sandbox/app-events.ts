// What the simulated application reports while it runs, for the rehearsal's panel and the debrief.
// Events name the replica, the row id and key ids, never a value or key material.
import type { PayloadProblem } from '../crypto/payload.js';

interface Base {
  /** Milliseconds since the epoch. */
  readonly at: number;
  readonly replica: string;
}

export type AppEvent =
  /** A replica read a row and decrypted it (keyId null: the row has no key). */
  | (Base & { readonly type: 'read'; readonly id: string; readonly keyId: string | null })
  /** A replica could not decrypt a row: `reason` is e.g. "no key for kek-v2". */
  | (Base & {
      readonly type: 'read-failed';
      readonly id: string;
      readonly keyId: string | undefined;
      readonly problem: PayloadProblem;
      readonly reason: string;
    })
  /** A replica stored a new value in an existing row, encrypted under its primary key. */
  | (Base & { readonly type: 'write'; readonly id: string; readonly keyId: string })
  | (Base & { readonly type: 'insert'; readonly id: string; readonly keyId: string | null })
  | (Base & { readonly type: 'delete'; readonly id: string })
  /** A replica now runs with these key ids (primary first). */
  | (Base & { readonly type: 'deploy'; readonly keyIds: readonly string[] })
  /** A statement failed (e.g. the database went away); the replica carries on. */
  | (Base & { readonly type: 'error'; readonly message: string });

export type AppEventListener = (event: AppEvent) => void;

export interface ReplicaStats {
  readonly replica: string;
  reads: number;
  readFailures: number;
  writes: number;
  inserts: number;
  deletes: number;
  errors: number;
}

/** One line for a log panel; safe to show. */
export function describeAppEvent(event: AppEvent): string {
  switch (event.type) {
    case 'read':
      return `${event.replica}: read ${event.id} (${event.keyId ?? 'no key'})`;
    case 'read-failed':
      return `${event.replica}: READ FAILED ${event.id}: ${event.reason}`;
    case 'write':
      return `${event.replica}: updated ${event.id} (now ${event.keyId})`;
    case 'insert':
      return `${event.replica}: inserted ${event.id} (${event.keyId ?? 'no key'})`;
    case 'delete':
      return `${event.replica}: deleted ${event.id}`;
    case 'deploy':
      return `${event.replica}: deployed with ${event.keyIds.join(' + ')}`;
    case 'error':
      return `${event.replica}: error: ${event.message}`;
    default: {
      const unknownEvent: never = event;
      return String(unknownEvent);
    }
  }
}
