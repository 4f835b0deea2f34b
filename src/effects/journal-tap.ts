// The machine's journal effect, plus what only the effects know: the ids of rows a run could not
// rotate (the machine journals counts only). It remembers the rotation and step the machine last
// journaled, so its own lines land in the same rotation. Never throws.
import { failureTotal, type RowFailure, type RunSummary } from '../engine/events.js';
import type { JournalEntryInput } from '../journal/entry.js';

/** At most this many failed rows are named in the journal per run; the count says the rest. */
export const MAX_JOURNALED_FAILURES = 50;

export interface JournalTap {
  append(entry: JournalEntryInput): void;
  /** Journals the failed rows of a finished run against the step the machine is in. */
  recordFailures(summary: RunSummary): void;
}

function failureLine(failure: RowFailure, kind: RunSummary['kind']): string {
  const what = kind === 'dry-run' ? 'would not rotate' : 'not rotated';
  return `row ${failure.id} of ${failure.table}${failure.keyId ? ` (on ${failure.keyId})` : ''} ${what}: ${failure.problem}: ${failure.reason}`;
}

export function journalTap(
  write: (entry: JournalEntryInput) => void,
  onAppend?: (entry: JournalEntryInput) => void,
): JournalTap {
  let last: JournalEntryInput | undefined;
  const safeWrite = (entry: JournalEntryInput) => {
    try {
      write(entry);
    } catch {
      // The journal effect must not stop a rotation; the writer reports its own failures.
    }
  };
  return {
    append(entry) {
      last = entry;
      safeWrite(entry);
      onAppend?.(entry);
    },
    recordFailures(summary) {
      if (!last || summary.failures.length === 0) return;
      const base = {
        rotationId: last.rotationId,
        path: last.path,
        phase: last.phase,
        step: last.step,
        keys: last.keys,
        outcome: 'info' as const,
      };
      for (const failure of summary.failures.slice(0, MAX_JOURNALED_FAILURES))
        safeWrite({ ...base, message: failureLine(failure, summary.kind) });
      const more = failureTotal(summary) - MAX_JOURNALED_FAILURES;
      if (more > 0)
        safeWrite({ ...base, message: `${more} more row(s) not rotated (not listed)`, counts: { failed: more } });
    },
  };
}
