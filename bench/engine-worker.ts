// Child process for one engine measurement (forked by run-engine.ts): runs the real engine on
// its own connection and reports timing and peak RSS, so each figure has a process of its own
// and memory figures are not polluted by the bench's seeding or by earlier runs.
import { resolveColumns } from '../src/db/registry.js';
import { runReencryption } from '../src/engine/run-reencryption.js';
import type { EngineEvent } from '../src/engine/events.js';
import { BENCH_COLUMNS, openBenchDb } from './bench-db.js';
import { fromWire, rotationRing } from './bench-keys.js';
import type { EngineJob, EngineJobFailure, EngineJobResult } from './engine-job.js';

async function run(job: EngineJob): Promise<EngineJobResult> {
  const db = await openBenchDb(job.databaseUrl, 4);
  try {
    const columns = await resolveColumns(db, BENCH_COLUMNS);
    let events = 0;
    let onEvent = (_event: EngineEvent) => {
      events++;
    };
    let finish = () => 0;
    if (job.consumer === 'ink') {
      const { startInkConsumer } = await import('./ink-consumer.js');
      const ui = startInkConsumer();
      onEvent = (event) => {
        events++;
        ui.onEvent(event);
      };
      finish = () => ui.finish();
    }
    const started = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    const summary = await runReencryption({
      db,
      ring: rotationRing(fromWire(job.keys)),
      columns,
      kind: job.kind,
      mode: job.mode,
      batchSize: job.batchSize,
      onEvent,
    });
    const uiBytes = finish(); // the UI's teardown is part of what an attached UI costs
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    const total = summary.tables.reduce(
      (acc, t) => ({
        processed: acc.processed + t.processed,
        rotated: acc.rotated + t.rotated,
        failed: acc.failed + t.failed,
      }),
      { processed: 0, rotated: 0, failed: 0 },
    );
    return {
      ok: true,
      seconds,
      ...total,
      events,
      uiBytes,
      maxRssKb: process.resourceUsage().maxRSS,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    };
  } finally {
    await db.close();
  }
}

process.once('message', (job: EngineJob) => {
  run(job)
    .then((result) => process.send!(result, () => process.exit(0)))
    .catch((error: unknown) => {
      const failure: EngineJobFailure = { ok: false, error: error instanceof Error ? error.message : String(error) };
      process.send!(failure, () => process.exit(1));
    });
});
