// Prints the figures as a table with ratios and target verdicts, and writes them as JSON.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { GCM_CALLS_PER_ROW } from './cpu-budget.js';
import type { MachineInfo } from './machine-info.js';
import type { Measurement } from './measurement.js';
import type { Profile, StageTiming } from './profile.js';
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
        `  ${s.stage.padEnd(48)} ${s.seconds.toFixed(2).padStart(7)} s  ${int.format(s.rows / s.seconds).padStart(9)} rows/s` +
        `  client ${s.clientMicrosPerRow.toFixed(1).padStart(5)} µs/row (GC ${s.gcMicrosPerRow.toFixed(1)})`,
    )
    .join('\n');
}

/**
 * The engine run's client CPU per row beside its parts, each timed alone: the crypto side (GCM,
 * parse, serialize, random bytes, the rest of rotateBatch), the hand-off to the crypto workers,
 * and the driver's fetch and write stages. What the parts do not add up to is the engine's own
 * scheduling (pages, promises, events) and what running them together costs.
 */
export function formatCpuParts(profile: Profile, engineClientUs: number | undefined): string {
  const stage = (prefix: string) => profile.stages.find((s) => s.stage.startsWith(prefix));
  const fetch = stage('fetch (engine');
  const write = stage('write (engine');
  const rows: [string, number | undefined, number | undefined][] = [
    ...profile.parts.crypto.map((p): [string, number, number | undefined] => [p.part, p.microsPerRow, undefined]),
    [profile.parts.handOff.part, profile.parts.handOff.microsPerRow, profile.parts.gcMicrosPerRow['worker hand-off']],
    ['driver + reader: fetch the pages (pg decode)', fetch?.clientMicrosPerRow, fetch?.gcMicrosPerRow],
    ['driver + write path: lock + CAS (pg encode)', write?.clientMicrosPerRow, write?.gcMicrosPerRow],
  ];
  rows[4]![2] = profile.parts.gcMicrosPerRow['rotateBatch'];
  const sum = rows.reduce((n, r) => n + (r[1] ?? 0), 0);
  const us = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(1));
  const lines = rows.map(
    ([part, micros, gc]) =>
      `  ${part.padEnd(56)} ${us(micros).padStart(6)} µs${gc === undefined ? '' : `  (GC ${us(gc)})`}`,
  );
  lines.push(`  ${'sum of the parts'.padEnd(56)} ${us(sum).padStart(6)} µs`);
  if (engineClientUs !== undefined) {
    lines.push(`  ${'the engine run (reencrypt, every thread)'.padEnd(56)} ${us(engineClientUs).padStart(6)} µs`);
    lines.push(
      `  ${'not in any part (engine scheduling, running them together)'.padEnd(56)} ${us(engineClientUs - sum).padStart(6)} µs`,
    );
  }
  lines.push(
    '  GC = main-thread collection pauses inside that part; the rest of rotateBatch GC is the figure beside it.',
  );
  return lines.join('\n');
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
  profile?: Profile;
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
