// Time per phase for the debrief: stretches run until the next phase starts; revisits add up.
import { describe, expect, it } from 'vitest';
import { phaseMarksFromJournal, phaseTimings } from '../../src/sandbox/phase-timings.js';

describe('phase timings', () => {
  it('adds up each phase from journal entries, a rollback revisit included', () => {
    const t0 = Date.parse('2025-01-01T10:00:00Z');
    const at = (s: number) => new Date(t0 + s * 1000).toISOString();
    const journal = [
      { time: at(0), phase: 'preflight' },
      { time: at(5), phase: 'preflight', outcome: 'ok' },
      { time: at(10), phase: 'generate-key' },
      { time: at(40), phase: 're-encrypt' },
      { time: at(100), phase: 'remove-old-key' },
      { time: at(110), phase: 're-encrypt' },
      { note: 'no time, skipped', phase: 'verify' },
      { time: at(130), phase: 'verify' },
    ];
    expect(phaseTimings(phaseMarksFromJournal(journal), t0 + 150_000)).toEqual([
      { phase: 'preflight', ms: 10_000 },
      { phase: 'generate-key', ms: 30_000 },
      { phase: 're-encrypt', ms: 80_000 },
      { phase: 'remove-old-key', ms: 10_000 },
      { phase: 'verify', ms: 20_000 },
    ]);
  });

  it('gives nothing for no entries', () => {
    expect(phaseTimings([], Date.now())).toEqual([]);
  });
});
