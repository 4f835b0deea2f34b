// Where a page's crypto runs: on this thread (rotateBatch directly), or split across worker
// threads so the crypto uses the other cores and this thread stays free for the database and the
// UI's event loop. Workers run the compiled module (dist/src/engine/crypto-worker.js); when it is
// missing (sources run by vitest without a build) the crypto stays on this thread.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Kek } from '../crypto/key.js';
import type { KeyRing } from '../crypto/key-ring.js';
import { fromWireBatch, packValues, type WireBatch, type WireJob } from './crypto-wire.js';
import type { WorkerKeys } from './crypto-worker.js';
import { rotateBatch, type BatchWork, type RotatedBatch } from './rotate-batch.js';
import type { SourceRow } from './source-row.js';

export interface BatchCrypto {
  /** Crypto workers in use (0 = this thread). */
  readonly workers: number;
  /** Resolves once every worker has started (at once on this thread); until then this thread rotates. */
  readonly started: Promise<void>;
  rotate(rows: readonly SourceRow[], mode: BatchWork): Promise<RotatedBatch>;
  close(): Promise<void>;
}

/** Below this many rows a slice is not worth a round trip to another thread. */
const MIN_ROWS_PER_SLICE = 64;

/** The compiled worker: next to this module when it runs from dist/, else dist/ from the sources. */
export function cryptoWorkerScript(): string | undefined {
  for (const candidate of ['./crypto-worker.js', '../../dist/src/engine/crypto-worker.js']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** Workers when the caller does not say: at least two, more on machines with cores to spare, at
 * most 4. A live run does six AES-GCM set-ups a row (reencrypt) and is CPU-bound on them: on 2 cores,
 * 100k rows, concurrency 2, it measured 7.8k rows/s with no worker and 11.6k–12.8k with two (three:
 * 10.7k). A dry run with this thread decrypting was main-thread bound (59% of the machine busy): on
 * 2 cores, 200k rows, alternating runs, 33.5k–43.3k rows/s (mean 38.1k) with none, 33.0k–39.8k with
 * one, 42.3k–46.1k (mean 44.1k) with two. (Before statements were prepared, none had won: 31k vs 24k.) */
export function defaultCryptoWorkers(): number {
  return Math.max(2, Math.min(4, availableParallelism() - 2));
}

export function inThreadCrypto(ring: KeyRing): BatchCrypto {
  return {
    workers: 0,
    started: Promise.resolve(),
    rotate: async (rows, mode) => rotateBatch(ring, rows, mode),
    close: async () => undefined,
  };
}

const wireKek = (k: Kek) => ({ id: k.id, bytes: new Uint8Array(k.bytes) });

const WORKER_YOUNG_GENERATION_MB = 16;

class WorkerCrypto implements BatchCrypto {
  private readonly pool: Worker[];
  private readonly pending = new Map<
    number,
    { rows: readonly SourceRow[]; resolve: (b: RotatedBatch) => void; reject: (e: Error) => void }
  >();
  private readonly ready: Worker[] = [];
  private seq = 0;
  private turn = 0;
  private failed: Error | undefined;

  readonly started: Promise<void>;
  private allStarted!: () => void;

  constructor(
    script: string,
    private readonly ring: KeyRing,
    count: number,
  ) {
    this.started = new Promise((resolve) => (this.allStarted = resolve));
    // Key material goes to the workers in memory (workerData is copied, never written anywhere).
    const keys: WorkerKeys = {
      primary: wireKek(ring.primary),
      previous: ring.previous && wireKek(ring.previous),
      archived: ring.archived.map(wireKek),
    };
    this.pool = Array.from({ length: count }, () => {
      // A worker holds one slice of a page at a time, so almost everything it allocates dies young.
      // Left at V8's default, its young generation kept growing over a long run: peak RSS of a dry
      // run 180-188 MB at 100k rows, 239-240 MB at 1M. Capped at 16 MB: 179-180 MB and 199-205 MB,
      // and no slower (1M rows: 19.0-20.8 s against 21.7-23.4 s). Large values go to the old
      // generation, which is not limited, so a page of big values cannot make a worker run out.
      const worker = new Worker(script, {
        workerData: keys,
        resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
      });
      worker.on('message', (m: WireBatch | { seq: number; error: string } | { ready: true }) => {
        if ('ready' in m) {
          this.ready.push(worker);
          if (this.ready.length === count) this.allStarted();
        } else this.settle(m);
      });
      worker.on('error', (e) => this.fail(e));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a crypto worker exited with code ${code}`));
      });
      return worker;
    });
  }

  get workers(): number {
    return this.pool.length;
  }

  private settle(m: WireBatch | { seq: number; error: string }): void {
    const job = this.pending.get(m.seq);
    if (!job) return;
    this.pending.delete(m.seq);
    if ('error' in m) job.reject(new Error(`crypto worker failed: ${m.error}`));
    else job.resolve(fromWireBatch(job.rows, m));
  }

  private fail(error: Error): void {
    this.failed ??= error;
    for (const job of this.pending.values()) job.reject(error);
    this.pending.clear();
  }

  private slice(rows: readonly SourceRow[], mode: BatchWork): Promise<RotatedBatch> {
    if (this.failed) return Promise.reject(this.failed);
    const seq = this.seq++;
    const worker = this.ready[this.turn++ % this.ready.length]!;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { rows, resolve, reject });
      const values = packValues(rows.map((r) => r.value));
      const job: WireJob = { seq, mode, ids: rows.map((r) => r.id), values };
      worker.postMessage(job, [values.packed]);
    });
  }

  async rotate(rows: readonly SourceRow[], mode: BatchWork): Promise<RotatedBatch> {
    if (this.failed) throw this.failed;
    // Until a worker has started, this thread does the work: a run never waits for thread start-up.
    if (this.ready.length === 0) return rotateBatch(this.ring, rows, mode);
    // One slice per ready worker (if the page is big enough), merged back in page order.
    const slices = Math.max(1, Math.min(this.ready.length, Math.floor(rows.length / MIN_ROWS_PER_SLICE)));
    const size = Math.ceil(rows.length / slices);
    const parts = await Promise.all(
      Array.from({ length: slices }, (_, i) => this.slice(rows.slice(i * size, (i + 1) * size), mode)),
    );
    if (parts.length === 1) return parts[0]!;
    return {
      nulls: parts.flatMap((p) => p.nulls),
      alreadyPrimary: parts.flatMap((p) => p.alreadyPrimary),
      unreadable: parts.flatMap((p) => p.unreadable),
      rotated: parts.flatMap((p) => p.rotated),
      // Slice i started at row i * size of the page: positions are the page's, not the slice's.
      rotatedAt: parts.flatMap((p, i) => p.rotatedAt.map((at) => at + i * size)),
      keyIds: parts.flatMap((p) => p.keyIds),
    };
  }

  async close(): Promise<void> {
    this.fail(new Error('crypto workers closed'));
    await Promise.all(this.pool.map((w) => w.terminate()));
  }
}

/** `requested` workers (0 = this thread); falls back to this thread when the compiled worker is missing. */
export function openBatchCrypto(ring: KeyRing, requested: number): { crypto: BatchCrypto; fellBack: boolean } {
  if (requested <= 0) return { crypto: inThreadCrypto(ring), fellBack: false };
  const script = cryptoWorkerScript();
  if (!script) return { crypto: inThreadCrypto(ring), fellBack: true };
  return { crypto: new WorkerCrypto(script, ring, requested), fellBack: false };
}
