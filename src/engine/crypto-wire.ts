// How a page of rows and its rotated batch cross to a crypto worker and back: values packed into
// one transferable buffer (one copy, no per-value cloning) plus offsets; ids and reasons as
// plain arrays. Key material never goes through here (the worker gets its ring once, at start).
import type { BatchWork, RotatedBatch, UnreadableRow } from './rotate-batch.js';
import type { SourceRow, StoredValue } from './source-row.js';

/** Values of one page: kind 0 = NULL, 1 = bytes (in `packed`), 2 = text (in `texts`). */
export interface WireValues {
  readonly kinds: Uint8Array;
  readonly offsets: Uint32Array;
  readonly packed: ArrayBuffer;
  readonly texts: (string | null)[];
}

export function packValues(values: readonly (StoredValue | null)[]): WireValues {
  const n = values.length;
  const kinds = new Uint8Array(n);
  const offsets = new Uint32Array(n + 1);
  const texts: (string | null)[] = new Array<string | null>(n).fill(null);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) kinds[i] = 0;
    else if (typeof v === 'string') {
      kinds[i] = 2;
      texts[i] = v;
    } else {
      kinds[i] = 1;
      total += v.length;
    }
  }
  const packed = new ArrayBuffer(total);
  const bytes = new Uint8Array(packed);
  let at = 0;
  for (let i = 0; i < n; i++) {
    offsets[i] = at;
    const v = values[i];
    if (kinds[i] === 1) {
      bytes.set(v as Buffer, at);
      at += (v as Buffer).length;
    }
  }
  offsets[n] = at;
  return { kinds, offsets, packed, texts };
}

export function unpackValues(w: WireValues): (StoredValue | null)[] {
  const out: (StoredValue | null)[] = new Array<StoredValue | null>(w.kinds.length);
  for (let i = 0; i < w.kinds.length; i++) {
    const kind = w.kinds[i];
    out[i] =
      kind === 0
        ? null
        : kind === 2
          ? w.texts[i]!
          : Buffer.from(w.packed, w.offsets[i]!, w.offsets[i + 1]! - w.offsets[i]!);
  }
  return out;
}

export interface WireJob {
  readonly seq: number;
  readonly mode: BatchWork;
  readonly ids: string[];
  readonly values: WireValues;
}

export interface WireBatch {
  readonly seq: number;
  readonly nulls: string[];
  readonly alreadyPrimary: string[];
  readonly unreadable: UnreadableRow[];
  readonly keyIds: (string | undefined)[];
  /** Position in the job's rows of each rotated row (never looked up by id), its key id, and its new value. */
  readonly rotatedIndex: Uint32Array;
  readonly rotatedFrom: string[];
  /** Absent for a dry run: its rows keep their values, so the page is not copied back. */
  readonly rotatedNext?: WireValues | undefined;
}

export function toWireBatch(seq: number, batch: RotatedBatch, work: BatchWork): WireBatch {
  return {
    seq,
    nulls: batch.nulls,
    alreadyPrimary: batch.alreadyPrimary,
    unreadable: batch.unreadable,
    keyIds: batch.keyIds,
    rotatedIndex: Uint32Array.from(batch.rotatedAt),
    rotatedFrom: batch.rotated.map((r) => r.fromKeyId),
    ...(work === 'decrypt' ? {} : { rotatedNext: packValues(batch.rotated.map((r) => r.next)) }),
  };
}

/** Rebuilds the batch against the caller's own rows (their `old` values never left this thread). */
export function fromWireBatch(rows: readonly SourceRow[], w: WireBatch): RotatedBatch {
  // A dry run's "new" value is the value as read (rotateBatch, mode 'decrypt').
  const next = w.rotatedNext ? unpackValues(w.rotatedNext) : undefined;
  return {
    nulls: w.nulls,
    alreadyPrimary: w.alreadyPrimary,
    unreadable: w.unreadable,
    keyIds: w.keyIds,
    rotatedAt: Array.from(w.rotatedIndex),
    rotated: Array.from(w.rotatedIndex, (index, i) => {
      const row = rows[index]!;
      return { id: row.id, fromKeyId: w.rotatedFrom[i]!, old: row.value!, next: next ? next[i]! : row.value! };
    }),
  };
}
