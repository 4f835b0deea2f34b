// Time per phase: one computation (src/machine/phase-durations.ts) for the summary screen and the
// debrief, from the machine's phase start stamps; rebuilt from recorded steps when no stamps are given.
import { describe, expect, it } from 'vitest';
import { formatPhaseDuration, phaseDurations } from '../../src/machine/phase-durations.js';
import { phaseTimings, sessionsFromSteps } from '../../src/sandbox/phase-timings.js';
import { phaseTimes } from '../../src/ui/app/view-models.js';

const t0 = Date.parse('2025-01-01T10:00:00Z');
const s = (seconds: number) => t0 + seconds * 1000;

describe('phase timings', () => {
  it('the summary screen and the debrief get the same times from the same stamps', () => {
    const stamps = {
      preflight: s(0),
      generate: s(12),
      deploy: s(77),
      reencrypt: s(80.4),
      verify: s(130),
      remove: s(131),
      done: s(150),
    };
    // The summary screen: the phase under way (done) has no end yet.
    expect(phaseTimes(stamps)).toBe(
      'preflight 0:12 · generate 1:05 · deploy 0:03 · reencrypt 0:50 · verify 0:01 · remove 0:19',
    );
    // The debrief, given the session's end: the end screen is not a phase of work, so the list is the same.
    const debrief = phaseTimings([{ rotationId: 'r1', phaseStartedAt: stamps, endedAt: s(400) }]);
    expect(debrief.map((p) => `${p.phase} ${formatPhaseDuration(p.ms)}`).join(' · ')).toBe(phaseTimes(stamps));
    expect(debrief.every((p) => p.session === undefined)).toBe(true);
  });

  it('a session left mid-phase: that phase lasts until the session ended', () => {
    expect(phaseDurations({ preflight: s(0), generate: s(10), deploy: s(40) }, s(100))).toEqual([
      { phase: 'preflight', ms: 10_000 },
      { phase: 'generate', ms: 30_000 },
      { phase: 'deploy', ms: 60_000 },
    ]);
    expect(phaseDurations({ preflight: s(0) })).toEqual([]);
    expect(formatPhaseDuration(125_400)).toBe('2:05');
  });

  it("rebuilds each session's stamps from the recorded steps (first entry of each phase), and names sessions when there are two", () => {
    const steps = [
      { rotationId: 'a', path: undefined, phase: 'preflight', step: 'preflight.loading', outcome: 'started', at: s(0) },
      { rotationId: 'a', path: undefined, phase: 'preflight', step: 'preflight.loading', outcome: 'ok', at: s(3) },
      { rotationId: 'a', path: 'rollback', phase: 'rollback', step: 'rollback.readdOld', outcome: 'started', at: s(5) },
      { rotationId: 'a', path: 'rollback', phase: 'done', step: 'done.summary', outcome: 'started', at: s(60) },
      { rotationId: 'a', path: 'rollback', phase: 'done', step: 'quit', outcome: 'cancelled', at: s(61) },
      {
        rotationId: 'b',
        path: undefined,
        phase: 'preflight',
        step: 'preflight.loading',
        outcome: 'started',
        at: s(70),
      },
      { rotationId: 'b', path: 'rotate', phase: 'generate', step: 'generate.creating', outcome: 'started', at: s(75) },
    ];
    const sessions = sessionsFromSteps(steps, s(100));
    expect(sessions).toEqual([
      {
        rotationId: 'a',
        path: 'rollback',
        phaseStartedAt: { preflight: s(0), rollback: s(5), done: s(60) },
        endedAt: s(61),
      },
      { rotationId: 'b', path: 'rotate', phaseStartedAt: { preflight: s(70), generate: s(75) }, endedAt: s(100) },
    ]);
    expect(phaseTimings(sessions, { repairScenario: true })).toEqual([
      { session: '1. repair', phase: 'preflight', ms: 5000 },
      { session: '1. repair', phase: 'rollback', ms: 55_000 },
      { session: '2. rotation', phase: 'preflight', ms: 5000 },
      { session: '2. rotation', phase: 'generate', ms: 25_000 },
    ]);
  });

  it('gives nothing for no steps', () => {
    expect(phaseTimings(sessionsFromSteps([], Date.now()))).toEqual([]);
  });
});
