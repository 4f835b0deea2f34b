// Time spent in each phase, from the machine's phase start stamps (context.phaseStartedAt, first
// entry of each phase): a phase lasts until the next one started. The one computation behind the
// summary screen's "Time per phase" and the rehearsal debrief's, so the two always agree.

export interface PhaseDuration {
  readonly phase: string;
  readonly ms: number;
}

/** Phases whose time is not work on the rotation: the end screen. */
const NOT_TIMED: ReadonlySet<string> = new Set(['done']);

/**
 * In order of their start. Without `endAt` the phase under way has no end yet and is left out (the
 * summary screen); with it, that phase lasts until `endAt` (the session ended there), unless it is the end screen.
 */
export function phaseDurations(startedAt: Readonly<Partial<Record<string, number>>>, endAt?: number): PhaseDuration[] {
  const starts = Object.entries(startedAt)
    .filter((e): e is [string, number] => typeof e[1] === 'number')
    .sort((a, b) => a[1] - b[1]);
  const out: PhaseDuration[] = [];
  starts.forEach(([phase, start], i) => {
    const end = starts[i + 1]?.[1] ?? (NOT_TIMED.has(phase) ? undefined : endAt);
    if (end !== undefined) out.push({ phase, ms: Math.max(0, end - start) });
  });
  return out;
}

/** `m:ss`, rounded to the second: how both the summary screen and the debrief print a phase's time. */
export function formatPhaseDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
