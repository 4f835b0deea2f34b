// Which rows the live runs of this session moved off one key: the emergency checklist's second
// source. The credential listing reads the table once, early; a row the application writes under
// the leaked key after that read (the leaked key stays primary until the deploy) is moved by the
// engine later, and this recorder is how the checklist still learns of it. Ids only, never values.
import type { MovedRowsListener } from '../engine/column-pass.js';

export class MovedRowsRecorder {
  /** Ids by column label, per key id the rows left. */
  private readonly byKey = new Map<string, Map<string, Set<string>>>();

  /** A listener for the engine that keeps the rows moved off `keyId` (other keys are ignored). */
  listenerFor(keyId: string): MovedRowsListener {
    return (label, rows) => {
      let columns = this.byKey.get(keyId);
      for (const row of rows) {
        if (row.fromKeyId !== keyId) continue;
        if (!columns) this.byKey.set(keyId, (columns = new Map()));
        let ids = columns.get(label);
        if (!ids) columns.set(label, (ids = new Set()));
        ids.add(row.id);
      }
    };
  }

  /** Column label -> ids moved off `keyId` by this session's live runs. */
  movedOff(keyId: string): ReadonlyMap<string, ReadonlySet<string>> {
    return this.byKey.get(keyId) ?? new Map();
  }
}
