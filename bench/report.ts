// Prints the figures as a table with ratios and target verdicts, and writes them as JSON.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { GCM_CALLS_PER_ROW } from './cpu-budget.js';
import type { MachineInfo } from './machine-info.js';
import type { Measurement } from './measurement.js';
import type { StageTiming } from './profile.js';
import type { TargetCheck } from './targets.js';

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function ratio(value: number | undefined, digits: number): string {
  return value === undefined ? '-' : value.toFixed(digits);
}

export function formatTable(
  rows: readonly Measurement[],
  baseline: Measurement | undefined,
  ceiling: Measurement | undefined,
): string {
  const header = ['what', 'mode', 'consumer', 'batch', 'rows', 'seconds', 'rows/s', 'b/a', 'b/c', 'peak RSS', 'load'];
  const body = rows.map((m) => [
    m.kind,
    m.mode,
    m.consumer,
    m.batchSize === undefined ? '-' : String(m.batchSize),
    int.format(m.rows),
    m.seconds.toFixed(2),
    int.format(m.rowsPerSecond),
    ratio(baseline ? m.rowsPerSecond / baseline.rowsPerSecond : undefined, 1),
    ratio(ceiling ? m.rowsPerSecond / ceiling.rowsPerSecond : undefined, 3),
    m.peakRssMb === undefined ? '-' : `${m.peakRssMb.toFixed(0)} MB`,
    m.loadAverage.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function formatTargets(checks: readonly TargetCheck[]): string {
  return checks
    .map((c) => {
      const value = c.value === undefined ? '-' : c.value.toFixed(c.threshold < 2 ? 3 : 1);
      return `  ${c.verdict.padEnd(12)} issue ${c.issue}: ${c.target.padEnd(32)} ${value.padStart(7)} (target ${c.comparison} ${c.threshold})`;
    })
    .join('\n');
}

export function formatProfile(stages: readonly StageTiming[]): string {
  return stages
    .map(
      (s) =>
        `  ${s.stage.padEnd(48)} ${s.seconds.toFixed(2).padStart(7)} s  ${int.format(s.rows / s.seconds).padStart(9)} rows/s`,
    )
    .join('\n');
}

/**
 * CPU per row of the ceiling and of each mode's fastest run, how busy that kept the machine, and
 * the bound it implies: rows/s cannot exceed cores / (crypto floor + PostgreSQL's CPU per row),
 * whatever the engine does around them.
 */
export function formatCpuBudget(
  ceiling: Measurement,
  best: readonly Measurement[],
  nproc: number,
  gcmMicros: number,
): string {
  const us = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(1));
  const header = [
    'what',
    'mode',
    'rows/s',
    'client µs',
    'postgres µs',
    'total µs',
    'machine busy',
    'GCM floor µs',
    'bound rows/s',
    'bound b/c',
  ];
  const rows = [ceiling, ...best].map((m) => {
    const calls = m.kind === 'engine' ? GCM_CALLS_PER_ROW[m.mode as keyof typeof GCM_CALLS_PER_ROW] : undefined;
    const floor = calls === undefined ? undefined : calls * gcmMicros;
    const pg = m.cpu?.postgresUs;
    const total = m.cpu ? m.cpu.clientUs + (pg ?? 0) : undefined;
    const busy = total === undefined || pg === undefined ? undefined : (total * m.rowsPerSecond) / 1e6 / nproc;
    const bound = floor === undefined || pg === undefined ? undefined : (nproc * 1e6) / (floor + pg);
    return [
      m.kind,
      m.mode,
      int.format(m.rowsPerSecond),
      m.kind === 'engine' ? us(m.cpu?.clientUs) : '-',
      us(pg),
      m.kind === 'engine' ? us(total) : us(pg),
      busy === undefined ? '-' : `${Math.round(busy * 100)}%`,
      floor === undefined ? '-' : `${floor.toFixed(1)} (${calls}x)`,
      bound === undefined ? '-' : int.format(bound),
      bound === undefined ? '-' : (bound / ceiling.rowsPerSecond).toFixed(2),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    '  ' + cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

export interface BenchResults {
  machine: MachineInfo;
  options: Record<string, unknown>;
  runOrder: string[];
  measurements: Measurement[];
  targets: TargetCheck[];
  profile?: StageTiming[];
  memory?: unknown;
  /** Issue 11's whole-table reads side by side (inventory.ts). */
  inventory?: unknown;
  /** One AES-256-GCM seal or open of a short value through node:crypto on this machine, µs. */
  gcmCallMicros?: number;
}

export function writeResults(path: string, results: BenchResults): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(results, null, 2) + '\n');
}
