// Plain log lines for pipes and CI: the reference tool's messages, a progress line at most every few
// seconds (never one per batch), and every failed row with its id and reason.
import type { EngineEvent, TableCounts } from '../../engine/events.js';
import { formatEta } from '../../ui/reencrypt-progress-state.js';
import type { Output } from '../output.js';
import type { RunRenderer } from './renderer.js';

export const PROGRESS_INTERVAL_MS = 5_000;

function tableName(label: string): string {
  return label.split('.')[0] ?? label;
}

export function progressLine(
  counts: TableCounts,
  rowsPerSecond: number,
  etaSeconds: number | undefined,
  dryRun: boolean,
): string {
  const total = Math.max(counts.total, counts.processed);
  const pct = total === 0 ? 100 : Math.floor((counts.processed / total) * 100);
  const need = dryRun ? 'need re-encryption' : 're-encrypted';
  return (
    `Progress: ${counts.processed} processed, ${counts.rotated} ${need} ` +
    `(${counts.table}: ${counts.processed} of ${total}, ${pct}%, ${Math.round(rowsPerSecond)} rows/s, ETA ${formatEta(etaSeconds)})`
  );
}

export function plainRenderer(out: Output, now: () => number = Date.now): RunRenderer {
  let dryRun = false;
  let primary = '';
  let lastLine = 0;
  return {
    onEvent(event: EngineEvent) {
      switch (event.type) {
        case 'run-start':
          dryRun = event.kind === 'dry-run';
          primary = event.primaryKeyId;
          break;
        case 'table-start':
          out.info(`Processing table: ${tableName(event.table)} (${event.table}, about ${event.total} rows)`);
          lastLine = now();
          break;
        case 'progress':
          if (now() - lastLine >= PROGRESS_INTERVAL_MS) {
            lastLine = now();
            out.info(progressLine(event.counts, event.rowsPerSecond, event.etaSeconds, dryRun));
          }
          break;
        case 'row-failed': {
          const f = event.failure;
          const verb = dryRun ? 'Cannot re-encrypt' : 'Failed to re-encrypt';
          out.error(`${verb} ${f.table} (id=${f.id}): ${f.reason}`);
          break;
        }
        case 'warning':
          out.warn(event.message);
          break;
        case 'table-done': {
          const c = event.counts;
          const rotated = dryRun ? `${c.rotated} to rotate` : `${c.rotated} re-encrypted`;
          out.info(
            `Finished ${c.table}: ${c.processed} processed, ${rotated}, ${c.alreadyPrimary} already on ${primary}, ` +
              `${c.nulls} NULL, ${c.failed} failed, ${c.retried} retried`,
          );
          break;
        }
        case 'run-done':
          break;
        default: {
          const unknown: never = event;
          void unknown;
        }
      }
    },
    close: async () => undefined,
  };
}
