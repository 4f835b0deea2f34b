// Time per runbook phase, from journal entries (any JSON-lines journal with a time and a phase)
// or from the phases the sandbox recorded itself.

/** The fields the debrief reads from a journal entry; everything else is ignored. */
export interface JournalEntryLike {
  readonly time?: string | number | undefined;
  readonly at?: string | number | undefined;
  readonly phase?: string | number | undefined;
  readonly [field: string]: unknown;
}

export interface PhaseTiming {
  readonly phase: string;
  readonly ms: number;
}

function timeOf(entry: JournalEntryLike): number | undefined {
  const raw = entry.time ?? entry.at;
  const ms = typeof raw === 'number' ? raw : typeof raw === 'string' ? Date.parse(raw) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Each stretch of consecutive entries in one phase lasts until the next phase starts (the last one
 * until `endAt`); a phase visited twice (a rollback) adds up. Phases keep the order they first appear in.
 */
export function phaseTimings(entries: readonly { phase: string; at: number }[], endAt: number): PhaseTiming[] {
  const sorted = [...entries].sort((a, b) => a.at - b.at);
  const totals = new Map<string, number>();
  sorted.forEach((entry, index) => {
    const next = sorted.slice(index + 1).find((e) => e.phase !== entry.phase);
    const previous = sorted[index - 1];
    if (previous && previous.phase === entry.phase) return; // counted from the stretch's first entry
    const end = next ? next.at : Math.max(endAt, entry.at);
    totals.set(entry.phase, (totals.get(entry.phase) ?? 0) + (end - entry.at));
  });
  return [...totals].map(([phase, ms]) => ({ phase, ms }));
}

/** Journal entries reduced to (phase, time); entries without both are skipped. */
export function phaseMarksFromJournal(entries: readonly JournalEntryLike[]): { phase: string; at: number }[] {
  const marks: { phase: string; at: number }[] = [];
  for (const entry of entries) {
    const at = timeOf(entry);
    if (at === undefined || entry.phase === undefined || entry.phase === null) continue;
    marks.push({ phase: String(entry.phase), at });
  }
  return marks;
}
