// The message a bench worker receives and the one it sends back: one engine run, its timing,
// its counters and the worker's peak RSS.
import type { WireKeys } from './bench-keys.js';

export type Consumer = 'headless' | 'ink';

export interface EngineJob {
  databaseUrl: string;
  keys: WireKeys;
  kind: 'dry-run' | 'live';
  mode: 'reencrypt' | 'rewrap';
  batchSize: number;
  /** headless: a no-op onEvent; ink: the real ReencryptProgress rendered to a dummy terminal. */
  consumer: Consumer;
}

export interface EngineJobResult {
  ok: true;
  seconds: number;
  processed: number;
  rotated: number;
  failed: number;
  events: number;
  /** Bytes the Ink consumer wrote to its dummy terminal (0 headless). */
  uiBytes: number;
  /** process.resourceUsage().maxRSS of the worker, in kilobytes. */
  maxRssKb: number;
  /** CPU time of the worker process (every thread) during the run, in seconds. */
  cpuSeconds: number;
}

export interface EngineJobFailure {
  ok: false;
  error: string;
}
