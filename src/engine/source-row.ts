// One row as the engine reads it: the id as text (cast back to its own type in SQL) and the
// stored value exactly as read (bytea as Buffer, text and jsonb as text), which is also the
// compare-and-swap's expected value.

export type StoredValue = Buffer | string;

export interface SourceRow {
  readonly id: string;
  readonly value: StoredValue | null;
}
