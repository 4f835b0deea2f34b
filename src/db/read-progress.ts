// Progress of the whole-table reads the runbook waits on (preflight's inventory, verification, the
// emergency credential listing), for the screen: rows read of the total, rate and ETA. The effects
// report into it as they read; the UI subscribes (React's useSyncExternalStore). A snapshot is a new
// object on every change and the same object otherwise, as that hook requires. Updates are thinned
// to a few a second per read: one per id range would repaint the terminal for nothing.
import type { ScanProgress } from './inventory-scan.js';

export type ReadTask = 'inventory' | 'verify' | 'credentials';

export interface ReadProgress {
  /** What the rows are being read for, as the screen says it: "Counting", "Decrypting", "Listing". */
  readonly verb: string;
  readonly progress: ScanProgress;
}

export type ReadProgressSnapshot = Readonly<Partial<Record<ReadTask, ReadProgress>>>;

const MIN_INTERVAL_MS = 200;

export class ReadProgressFeed {
  private snapshot: ReadProgressSnapshot = {};
  private readonly listeners = new Set<() => void>();
  private readonly lastSent = new Map<ReadTask, number>();
  /** For counts reported without a rate (the deep check): when each column's count began. */
  private readonly countStarted = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly current = (): ReadProgressSnapshot => this.snapshot;

  /** A read of the inventory kind (already with rate and ETA). */
  report(task: ReadTask, verb: string, progress: ScanProgress): void {
    const t = this.now();
    const first = progress.done === 0 && !progress.finished;
    if (!first && !progress.finished && t - (this.lastSent.get(task) ?? -Infinity) < MIN_INTERVAL_MS) return;
    this.lastSent.set(task, t);
    this.snapshot = { ...this.snapshot, [task]: { verb, progress } };
    for (const listener of this.listeners) listener();
  }

  /** A count without a rate (rows decrypted of the total): the feed works out rate and ETA. */
  reportCount(task: ReadTask, verb: string, column: string, done: number, total: number): void {
    const key = `${task}\0${column}`;
    const t = this.now();
    if (done === 0 || !this.countStarted.has(key)) this.countStarted.set(key, t);
    const elapsedMs = t - this.countStarted.get(key)!;
    const rowsPerSecond = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
    const finished = done >= total;
    const etaSeconds = rowsPerSecond > 0 && !finished ? (total - done) / rowsPerSecond : undefined;
    this.report(task, verb, { column, done, total, elapsedMs, rowsPerSecond, etaSeconds, finished });
  }

  /** Forget a task's last read (a new read of it is about to start). */
  clear(task: ReadTask): void {
    if (!(task in this.snapshot)) return;
    const { [task]: _dropped, ...rest } = this.snapshot;
    this.snapshot = rest;
    this.lastSent.delete(task);
    for (const listener of this.listeners) listener();
  }
}
