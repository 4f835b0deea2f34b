// Where the client's CPU per re-encrypted row goes, part by part (issue 11): each part timed alone
// in this thread on the very rows the profile fetched, so the parts can be set beside the engine
// run's client CPU per row. process.cpuUsage() counts every thread of the process; while a part
// runs nothing else does, so the figure is that part's CPU (V8's GC helper threads included).
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { parsePayload, serializePayload, type ParsedPayload } from '../src/crypto/payload.js';
import type { KeyRing } from '../src/crypto/key-ring.js';
import { randomSlice } from '../src/crypto/random-pool.js';
import { fromWireBatch, packValues, toWireBatch, unpackValues, type WireJob } from '../src/engine/crypto-wire.js';
import { rotateBatch, type RotatedBatch } from '../src/engine/rotate-batch.js';
import type { SourceRow } from '../src/engine/source-row.js';
import { GCM_CALLS_PER_ROW } from './cpu-budget.js';

export interface CpuPart {
  readonly part: string;
  readonly microsPerRow: number;
}

export interface CpuParts {
  readonly rows: number;
  /** The crypto side of a row, in the order a row meets them; the last is what rotateBatch does besides. */
  readonly crypto: CpuPart[];
  readonly handOff: CpuPart;
  /** Milliseconds of garbage collection (main thread) during each timed part, per row in µs. */
  readonly gcMicrosPerRow: Record<string, number>;
}

/** Rows the parts are timed on: enough pages for steady figures, few enough to keep alive at once. */
export const SAMPLE_ROWS = 20_000;

/** CPU microseconds per row of `work`, the least of `rounds` runs (other load only ever adds). */
export function cpuMicrosPerRow(rows: number, work: () => void, rounds = 3): number {
  let best = Infinity;
  for (let i = 0; i < rounds; i++) {
    const before = process.cpuUsage();
    work();
    const used = process.cpuUsage(before);
    best = Math.min(best, used.user + used.system);
  }
  return best / rows;
}

/**
 * Collects the main thread's GC pauses; `take()` returns the milliseconds seen since the last call.
 * The observer reports asynchronously, so `take()` first lets pending entries arrive.
 */
export function gcMeter(): { take(): Promise<number>; stop(): void } {
  let ms = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as PerformanceEntry[]) ms += entry.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    async take() {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const seen = ms;
      ms = 0;
      return seen;
    },
    stop: () => observer.disconnect(),
  };
}

/**
 * The parts of a reencrypt row on the client, timed alone on `pages` (values on the old key): a
 * sample the caller read, small enough to keep alive at once (SAMPLE_ROWS), since a part that kept
 * every row of a big table alive would time the collector's work on them, which the engine (a page
 * at a time) never does. `gcmMicros` is one AES-256-GCM call timed alone (cpu-budget.ts); a row
 * makes six.
 */
export async function measureCpuParts(
  ring: KeyRing,
  pages: readonly SourceRow[][],
  gcmMicros: number,
): Promise<CpuParts> {
  const rows = pages.reduce((n, p) => n + p.length, 0);
  const values = pages.flatMap((p) => p.map((r) => r.value!));
  const gc = gcMeter();
  const gcMicrosPerRow: Record<string, number> = {};
  // Least of 5 runs each: on a shared 2-core machine one run of a part can cost half as much again.
  const timed = async (name: string, work: () => void, rounds = 5) => {
    await gc.take();
    const micros = cpuMicrosPerRow(rows, work, rounds);
    gcMicrosPerRow[name] = ((await gc.take()) * 1000) / rows / rounds;
    return micros;
  };

  let parsed: ParsedPayload[] = [];
  // Twice a row: the stored value, and the new value read back before it is written.
  const parse = await timed('payload parse', () => {
    parsed = values.map((v) => parsePayload(v));
  });
  const serialize = await timed('payload serialize', () => {
    for (const p of parsed) serializePayload(p);
  });
  // A fresh DEK and two nonces a row (src/crypto/envelope.ts).
  const random = await timed('random bytes', () => {
    for (let i = 0; i < rows; i++) {
      randomSlice(32);
      randomSlice(12);
      randomSlice(12);
    }
  });
  let batches: RotatedBatch[] = [];
  const rotate = await timed(
    'rotateBatch',
    () => {
      batches = pages.map((p) => rotateBatch(ring, p, 'reencrypt'));
    },
    5,
  );
  // What crosses to a crypto worker and back for each page, as crypto-pool.ts sends it:
  // packed, cloned (postMessage's structured clone, the values' buffer transferred), unpacked.
  const handOff = await timed('worker hand-off', () => {
    pages.forEach((page, i) => {
      const job: WireJob = {
        seq: i,
        mode: 'reencrypt',
        ids: page.map((r) => r.id),
        values: packValues(page.map((r) => r.value)),
      };
      const received = structuredClone(job, { transfer: [job.values.packed] });
      unpackValues(received.values);
      const wire = toWireBatch(i, batches[i]!, 'reencrypt');
      const back = structuredClone(wire, { transfer: wire.rotatedNext ? [wire.rotatedNext.packed] : [] });
      fromWireBatch(page, back);
    });
  });
  gc.stop();

  const gcm = GCM_CALLS_PER_ROW.reencrypt * gcmMicros;
  const named = 2 * parse + serialize + random + gcm;
  return {
    rows,
    crypto: [
      { part: `AES-256-GCM (${GCM_CALLS_PER_ROW.reencrypt} calls x ${gcmMicros.toFixed(2)} µs)`, microsPerRow: gcm },
      { part: 'payload parse (2 a row: stored value, value read back)', microsPerRow: 2 * parse },
      { part: 'payload serialize', microsPerRow: serialize },
      { part: 'random bytes (DEK, 2 nonces)', microsPerRow: random },
      { part: 'rest of rotateBatch (buffers, key lookup, compare)', microsPerRow: Math.max(0, rotate - named) },
    ],
    handOff: { part: 'worker hand-off (pack, clone, unpack; both ways)', microsPerRow: handOff },
    gcMicrosPerRow,
  };
}
