// The bench's CPU accounting: the bound it prints is arithmetic on what it measured, so check the
// arithmetic, and that the server's CPU is really read when PostgreSQL runs on this machine.
import { describe, expect, it } from 'vitest';
import { GCM_CALLS_PER_ROW, cpuPerRow, gcmCallMicros, postgresCpuSeconds } from '../../bench/cpu-budget.js';
import { measurement } from '../../bench/measurement.js';
import { formatCpuBudget } from '../../bench/report.js';
import { TEST_DATABASE_URL } from '../helpers/test-db.js';

describe('bench CPU budget', () => {
  it('turns CPU seconds into µs per row', () => {
    expect(cpuPerRow(200_000, 20, 3)).toEqual({ clientUs: 100, postgresUs: 15 });
    expect(cpuPerRow(1000, 1, undefined)).toEqual({ clientUs: 1000, postgresUs: undefined });
  });

  it('prints how busy each run kept the machine and the bound cores / (GCM floor + postgres)', () => {
    const ceiling = measurement({
      kind: 'ceiling',
      mode: 'rewrite',
      consumer: '-',
      batchSize: undefined,
      rows: 100_000,
      seconds: 1,
      peakRssMb: undefined,
      cpu: cpuPerRow(100_000, 0, 1.5),
    });
    // 10,000 rows/s at 150 + 50 µs a row = 2 CPU-seconds a second: both cores busy.
    const reencrypt = measurement({
      kind: 'engine',
      mode: 'reencrypt',
      consumer: 'headless',
      batchSize: 1000,
      rows: 100_000,
      seconds: 10,
      peakRssMb: 100,
      cpu: cpuPerRow(100_000, 15, 5),
    });
    const text = formatCpuBudget(ceiling, [reencrypt], 2, 10);
    const line = text.split('\n').find((l) => l.includes('reencrypt'))!;
    // GCM floor 6 x 10 µs = 60; bound = 2e6 / (60 + 50) = 18,182 rows/s = 0.18 of the 100,000 ceiling.
    expect(
      line
        .split(/\s{2,}/)
        .map((c) => c.trim())
        .filter(Boolean),
    ).toEqual(['engine', 'reencrypt', '10,000', '150.0', '50.0', '200.0', '100%', '60.0 (6x)', '18,182', '0.18']);
    expect(text.split('\n').find((l) => l.includes('ceiling'))).toContain('15.0');
    expect(GCM_CALLS_PER_ROW).toEqual({ 'dry-run': 2, rewrap: 4, reencrypt: 6 });
  });

  it('times one AES-256-GCM call as a small positive number of microseconds', () => {
    const us = gcmCallMicros(3, 2000);
    expect(us).toBeGreaterThan(0.1);
    expect(us).toBeLessThan(1000);
  });

  it.skipIf(!TEST_DATABASE_URL || process.platform !== 'linux')(
    'reads the local PostgreSQL server CPU from /proc',
    () => {
      const seconds = postgresCpuSeconds();
      expect(seconds).toBeTypeOf('number');
      expect(seconds!).toBeGreaterThan(0);
    },
  );
});
