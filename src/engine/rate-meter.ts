// Rows per second over a sliding window, and the time left at that rate. The window makes the
// figure follow changes (a throttle, a busy database) rather than average them away.

export class RateMeter {
  private readonly samples: { at: number; done: number }[] = [];

  constructor(
    private readonly now: () => number,
    private readonly windowMs = 5000,
  ) {
    this.samples.push({ at: now(), done: 0 });
  }

  /** Records the rows done so far. */
  record(done: number): void {
    const at = this.now();
    this.samples.push({ at, done });
    // Keep one sample older than the window so the window is always fully covered.
    while (this.samples.length > 2 && this.samples[1]!.at <= at - this.windowMs) this.samples.shift();
  }

  rowsPerSecond(): number {
    const first = this.samples[0]!;
    const last = this.samples[this.samples.length - 1]!;
    const ms = last.at - first.at;
    return ms > 0 ? ((last.done - first.done) * 1000) / ms : 0;
  }

  /** Seconds left for `remaining` rows; undefined while there is no rate to go by. */
  etaSeconds(remaining: number): number | undefined {
    if (remaining <= 0) return 0;
    const rate = this.rowsPerSecond();
    return rate > 0 ? remaining / rate : undefined;
  }
}
