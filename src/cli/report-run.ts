// What a finished (or stopped) run prints on stdout: the reference tool's summary line, exactly, so
// scripts that read it keep working, preceded by the per-column breakdown and every failed row.
import { failureTotal, type RowFailure, type RunSummary, type TableCounts } from '../engine/events.js';
import { safeText } from '../ui/safe-text.js';

export function totals(tables: readonly TableCounts[]): { rotated: number; processed: number } {
  return tables.reduce((t, c) => ({ rotated: t.rotated + c.rotated, processed: t.processed + c.processed }), { rotated: 0, processed: 0 });
}

/** `DRY RUN: Would re-encrypt 42 of 100 records` / `Re-encrypted 42 of 100 records` (100 = rows processed). */
export function summaryLine(summary: Pick<RunSummary, 'kind' | 'tables'>): string {
  const { rotated, processed } = totals(summary.tables);
  return summary.kind === 'dry-run'
    ? `DRY RUN: Would re-encrypt ${rotated} of ${processed} records`
    : `Re-encrypted ${rotated} of ${processed} records`;
}

export function failureLine(f: RowFailure): string {
  return `  ${safeText(f.table)} id=${safeText(f.id)}${f.keyId ? ` (key ${safeText(f.keyId)})` : ''}: ${safeText(f.reason)}`;
}

function row(label: string, value: number | string): string {
  return `  ${label.padEnd(24)} ${String(value).padStart(8)}`;
}

/** The dry run's answer to "what will the live run do": to rotate, already on primary, NULL, cannot be decrypted. */
export function dryRunBreakdown(summary: RunSummary): string[] {
  const lines: string[] = [];
  for (const c of summary.tables) {
    const from = Object.entries(c.byKeyId)
      .filter(([id]) => id !== summary.primaryKeyId)
      .map(([id, n]) => `${safeText(id)}: ${n}`)
      .join(', ');
    lines.push(`${safeText(c.table)}: ${c.processed} rows examined`);
    lines.push(row(`to rotate to ${summary.primaryKeyId}`, c.rotated) + (from ? `  (${from})` : ''));
    lines.push(row(`already on ${summary.primaryKeyId}`, c.alreadyPrimary));
    lines.push(row('NULL', c.nulls));
    lines.push(row('cannot be decrypted', c.failed));
    for (const f of summary.failures.filter((x) => x.table === c.table)) lines.push(`  ${failureLine(f)}`);
  }
  return lines;
}

/** A live run's breakdown: what moved, what was already there, and anything left behind. */
export function liveBreakdown(summary: RunSummary): string[] {
  const lines: string[] = [];
  for (const c of summary.tables) {
    lines.push(`${safeText(c.table)}: ${c.processed} rows processed`);
    lines.push(row(`re-encrypted to ${summary.primaryKeyId}`, c.rotated));
    lines.push(row(`already on ${summary.primaryKeyId}`, c.alreadyPrimary));
    lines.push(row('NULL', c.nulls));
    lines.push(row('failed', c.failed));
    if (c.retried) lines.push(row('retried (changed by app)', c.retried));
    if (c.skippedLocked) lines.push(row('locked, not reached', c.skippedLocked));
    if (c.vanished) lines.push(row('deleted meanwhile', c.vanished));
  }
  if (summary.failures.length > 0) {
    lines.push(`Rows not re-encrypted (${failureTotal(summary)}), left exactly as they were:`);
    for (const f of summary.failures) lines.push(failureLine(f));
    if (summary.unlistedFailures) lines.push(`... and ${summary.unlistedFailures} more, counted above but not listed (the first ${summary.failures.length} are).`);
  }
  return lines;
}
