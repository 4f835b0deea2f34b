// A crypto worker thread: receives the key ring once, then pages of rows, and answers each with
// its rotated batch (rotateBatch, unchanged). Runs compiled (dist/); see crypto-pool.ts.
import { parentPort, workerData } from 'node:worker_threads';
import type { Kek } from '../crypto/key.js';
import { makeKeyRing } from '../crypto/key-ring.js';
import { toWireBatch, unpackValues, type WireJob } from './crypto-wire.js';
import { rotateBatch } from './rotate-batch.js';
import type { SourceRow } from './source-row.js';

interface WireKek {
  id: string;
  bytes: Uint8Array;
}
export interface WorkerKeys {
  primary: WireKek;
  previous: WireKek | undefined;
  archived: WireKek[];
}

const kek = (k: WireKek): Kek => ({
  id: k.id,
  bytes: Buffer.from(k.bytes.buffer, k.bytes.byteOffset, k.bytes.byteLength),
});
const keys = workerData as WorkerKeys;
const ring = makeKeyRing(kek(keys.primary), keys.previous && kek(keys.previous), keys.archived.map(kek));

// Starting a thread and loading its modules takes a while: the pool rotates on its own thread until this arrives.
parentPort!.postMessage({ ready: true });

parentPort!.on('message', (job: WireJob) => {
  try {
    const values = unpackValues(job.values);
    const rows: SourceRow[] = job.ids.map((id, i) => ({ id, value: values[i]! }));
    const out = toWireBatch(job.seq, rotateBatch(ring, rows, job.mode), job.mode);
    parentPort!.postMessage(out, out.rotatedNext ? [out.rotatedNext.packed] : []);
  } catch (error) {
    // A bug, not a row problem (those are in `unreadable`): no value or key in the message.
    parentPort!.postMessage({ seq: job.seq, error: error instanceof Error ? error.message : String(error) });
  }
});
