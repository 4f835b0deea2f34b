// Time per runbook phase for the debrief, computed exactly as the summary screen computes it
// (src/machine/phase-durations.ts) from the same data: the machine's phase start stamps of each
// session. The rehearsal hands over the stamps of every session it ran; without them, the stamps are
// rebuilt from the steps the sandbox effects recorded (each step's entry stamps its phase's start).
import { phaseDurations } from '../machine/phase-durations.js';
import type { StepMark } from './sandbox.js';

/** The fields the debrief reads from a journal entry; everything else is ignored. */
export interface JournalEntryLike {
  readonly time?: string | number | undefined;
  readonly at?: string | number | undefined;
  readonly phase?: string | number | undefined;
  readonly [field: string]: unknown;
}

/** One interactive session of a rehearsal, as the machine saw it (a repair, then the rotation, are two). */
export interface SessionTiming {
  readonly rotationId: string;
  /** The machine's path at the end of the session (rotate, emergency, rollback). */
  readonly path?: string | undefined;
  /** context.phaseStartedAt: epoch ms when each phase was first entered. */
  readonly phaseStartedAt: Readonly<Partial<Record<string, number>>>;
  /** When the session ended: the phase it ended in lasts until then (unless it ended on the summary). */
  readonly endedAt: number;
}

export interface PhaseTiming {
  /** Which session, when the rehearsal ran more than one (e.g. "1. repair"). */
  readonly session?: string | undefined;
  readonly phase: string;
  readonly ms: number;
}

/** Each session's phase start stamps rebuilt from the recorded steps (step entries: outcome 'started'). */
export function sessionsFromSteps(steps: readonly StepMark[], endedAt: number): SessionTiming[] {
  const sessions = new Map<
    string,
    { path: string | undefined; phaseStartedAt: Record<string, number>; lastAt: number }
  >();
  for (const step of steps) {
    const session = sessions.get(step.rotationId) ?? { path: undefined, phaseStartedAt: {}, lastAt: step.at };
    session.path = step.path ?? session.path;
    session.lastAt = Math.max(session.lastAt, step.at);
    if (step.outcome === 'started' && session.phaseStartedAt[step.phase] === undefined)
      session.phaseStartedAt[step.phase] = step.at;
    sessions.set(step.rotationId, session);
  }
  const list = [...sessions];
  // A session followed by another ended with its last step; the last one ended with the debrief.
  return list.map(([rotationId, s], i) => ({
    rotationId,
    path: s.path,
    phaseStartedAt: s.phaseStartedAt,
    endedAt: i < list.length - 1 ? s.lastAt : endedAt,
  }));
}

const PATH_WORD: Record<string, string> = { rotate: 'rotation', emergency: 'emergency', rollback: 'rollback' };

/** Time per phase of every session, in order; sessions are named only when there is more than one. */
export function phaseTimings(
  sessions: readonly SessionTiming[],
  options: { repairScenario?: boolean } = {},
): PhaseTiming[] {
  return sessions.flatMap((session, i) => {
    const word =
      session.path === 'rollback' && options.repairScenario ? 'repair' : (PATH_WORD[session.path ?? ''] ?? 'session');
    const label = sessions.length > 1 ? `${i + 1}. ${word}` : undefined;
    return phaseDurations(session.phaseStartedAt, session.endedAt).map((p) => ({
      ...(label ? { session: label } : {}),
      phase: p.phase,
      ms: p.ms,
    }));
  });
}
