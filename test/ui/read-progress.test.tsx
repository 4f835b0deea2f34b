// Whole-table reads on screen: the effects report into one feed, the step that waits on the read
// shows rows of the total, rate and ETA under its title, short enough for 80 columns; the feed
// thins reports to a few a second and works out a rate for counts reported without one.
import { afterEach, describe, expect, it } from 'vitest';
import { ReadProgressFeed } from '../../src/db/read-progress.js';
import { describeReadProgress } from '../../src/ui/components/ReadProgressLine.js';
import { StepText } from '../../src/ui/components/StepText.js';
import { ReadProgressContext } from '../../src/ui/use-read-progress.js';
import { renderInk, widestLine, type Rendered } from './render-ink.js';

let current: Rendered | undefined;
afterEach(() => current?.unmount());

const progress = (done: number, finished = false) => ({
  column: 'llm_providers.api_key_encrypted',
  done,
  total: 300_000,
  elapsedMs: 1000,
  rowsPerSecond: 150_000,
  etaSeconds: (300_000 - done) / 150_000,
  finished,
});

describe('read progress on screen', () => {
  it('a working step shows the rows of its read, updated as the feed reports', async () => {
    let now = 0;
    const feed = new ReadProgressFeed(() => now);
    current = renderInk(
      <ReadProgressContext.Provider value={feed}>
        <StepText step={{ title: 'Counting rows per key id', working: true, reading: 'verify' }} />
      </ReadProgressContext.Provider>,
      { columns: 80 },
    );
    feed.report('verify', 'Counting', progress(0));
    await current.waitFor((t) => t.includes('Counting: 0 of 300,000 rows'));
    now += 1000;
    feed.report('verify', 'Counting', progress(150_000));
    const f = await current.waitFor((t) => t.includes('150,000 of 300,000 rows · 50% · 150,000/s · ETA 0:01'));
    expect(widestLine(f)).toBeLessThanOrEqual(80);
    // Another task's read is not this step's.
    feed.report('credentials', 'Listing', progress(299_000));
    await new Promise((r) => setTimeout(r, 50));
    expect(current.allFrames()).not.toContain('299,000');
  });

  it('names the column when it fits, and says when the read is done', () => {
    const wide = describeReadProgress({ verb: 'Counting', progress: progress(150_000) }, 200);
    expect(wide).toBe('Counting llm_providers.api_key_encrypted: 150,000 of 300,000 rows · 50% · 150,000/s · ETA 0:01');
    expect(describeReadProgress({ verb: 'Listing', progress: progress(300_000, true) }, 80)).toBe(
      'Listing: 300,000 of 300,000 rows · done in 0:01',
    );
  });

  it('thins reports to one every 200 ms (first and last always pass) and computes a rate for counts', () => {
    let now = 0;
    const feed = new ReadProgressFeed(() => now);
    let changes = 0;
    feed.subscribe(() => changes++);
    feed.report('inventory', 'Counting', progress(0));
    for (let i = 1; i <= 10; i++) {
      now += 50;
      feed.report('inventory', 'Counting', progress(i * 1000));
    }
    feed.report('inventory', 'Counting', progress(300_000, true));
    expect(changes).toBe(4); // first, at 200 ms, at 400 ms, last
    expect(feed.current().inventory?.progress.finished).toBe(true);

    feed.reportCount('verify', 'Decrypting', 't.c', 0, 1000);
    now += 2000;
    feed.reportCount('verify', 'Decrypting', 't.c', 500, 1000);
    expect(feed.current().verify?.progress).toMatchObject({
      done: 500,
      total: 1000,
      rowsPerSecond: 250,
      etaSeconds: 2,
      finished: false,
    });
    feed.clear('verify');
    expect(feed.current().verify).toBeUndefined();
  });
});
