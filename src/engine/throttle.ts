// Keeps the engine under --max-rate rows per second: after each batch it waits until the rows
// done so far fit the budget. Without a rate it never waits.
import { sleep } from './sleep.js';

export class Throttle {
  private readonly started: number;
  private rows = 0;

  constructor(
    private readonly maxRate: number | undefined,
    private readonly now: () => number,
  ) {
    if (maxRate !== undefined && !(maxRate > 0))
      throw new RangeError('maxRate must be a positive number of rows per second');
    this.started = now();
  }

  /** Records `n` rows done and waits as long as needed to stay under the rate. */
  async consume(n: number, signal?: AbortSignal): Promise<void> {
    this.rows += n;
    if (this.maxRate === undefined) return;
    // Budget since the start rather than per batch, so short sleeps do not accumulate drift.
    const dueAt = this.started + (this.rows / this.maxRate) * 1000;
    await sleep(dueAt - this.now(), signal);
  }
}
