// How a headless command reports a whole-table read: a log line on stderr when it starts, about
// one a second while it reads, and one when done; with --json the same as JSON lines on stderr,
// so stdout keeps only the command's result.
import {
  describeScanProgress,
  scanProgressEvent,
  throttleScanProgress,
  type ScanProgress,
} from '../db/inventory-scan.js';
import type { Output } from './output.js';
import { toJsonLine } from './renderers/json-renderer.js';
import { PROGRESS_INTERVAL_MS } from './renderers/plain-renderer.js';

export function scanProgressReporter(
  out: Output,
  json: boolean,
  phase: string,
  verb: string,
): (progress: ScanProgress) => void {
  return throttleScanProgress((p) => {
    if (json) out.io.stderr.write(`${toJsonLine(scanProgressEvent(p, phase))}\n`);
    else out.info(describeScanProgress(p, verb));
  }, PROGRESS_INTERVAL_MS);
}
