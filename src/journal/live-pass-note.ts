// The journal line every live pass leaves when it ends (done, paused, stopped or quit), with its
// counts: one line per pass, so the rows a rotation moved are the sum of these lines' `rotated`.

import type { JournalEntry } from './entry.js';

export const LIVE_PASS_ENDED = 'counts of this live pass when it ended';

/** Rows moved and failed over every live pass of the rotation (each pass journals its counts once). */
export function passTotals(entries: readonly Pick<JournalEntry, 'message' | 'counts'>[]): {
  passes: number;
  rotated: number;
  failed: number;
} {
  const passes = entries.filter((e) => e.message === LIVE_PASS_ENDED && e.counts);
  return {
    passes: passes.length,
    rotated: passes.reduce((n, e) => n + (e.counts?.['rotated'] ?? 0), 0),
    failed: passes.reduce((n, e) => n + (e.counts?.['failed'] ?? 0), 0),
  };
}
