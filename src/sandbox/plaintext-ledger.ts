// What the simulated application last wrote to each row, kept in memory so the debrief can tell a
// lost write from a preserved one. Values are never printed, logged or put in events.

export class PlaintextLedger {
  private readonly values = new Map<string, string | null>();
  private readonly deleted = new Set<string>();

  /** Records that the application wrote `apiKey` (null: no key) to row `id`. */
  wrote(id: string, apiKey: string | null): void {
    this.values.set(id, apiKey);
    this.deleted.delete(id);
  }

  removed(id: string): void {
    this.values.delete(id);
    this.deleted.add(id);
  }

  /** The last value written, null for a row without a key, undefined for a row the application never wrote. */
  valueOf(id: string): string | null | undefined {
    return this.values.get(id);
  }

  has(id: string): boolean {
    return this.values.has(id);
  }

  wasDeleted(id: string): boolean {
    return this.deleted.has(id);
  }

  ids(): string[] {
    return [...this.values.keys()];
  }

  get size(): number {
    return this.values.size;
  }

  toJSON(): { values: [string, string | null][]; deleted: string[] } {
    return { values: [...this.values], deleted: [...this.deleted] };
  }

  static fromJSON(data: { values: [string, string | null][]; deleted: string[] }): PlaintextLedger {
    const ledger = new PlaintextLedger();
    data.values.forEach(([id, value]) => ledger.values.set(id, value));
    data.deleted.forEach((id) => ledger.deleted.add(id));
    return ledger;
  }
}
