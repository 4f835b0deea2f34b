// One measured figure: what ran, on how many rows, how long it took, and the CPU it cost.
import os from 'node:os';
import type { CpuPerRow } from './cpu-budget.js';

export type MeasuredKind = 'baseline' | 'ceiling' | 'engine';

export interface Measurement {
  kind: MeasuredKind;
  /** reencrypt | rewrap | dry-run for the engine; a description otherwise. */
  mode: string;
  consumer: 'headless' | 'ink' | '-';
  batchSize: number | undefined;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  /** Peak RSS of the process that ran it (engine runs only: their own worker). */
  peakRssMb: number | undefined;
  /** Keys found after the run (live runs): proof the work was done. */
  keyIdsAfter?: Record<string, number>;
  note?: string;
  /** CPU spent per row by the engine process and by PostgreSQL (throughput runs). */
  cpu?: CpuPerRow;
  /** 1-minute load average when the measurement ended: other work on the machine skews figures. */
  loadAverage: number;
}

export function measurement(fields: Omit<Measurement, 'rowsPerSecond' | 'loadAverage'>): Measurement {
  return {
    ...fields,
    rowsPerSecond: fields.rows / fields.seconds,
    loadAverage: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}
