// What a finished (or stopped) run prints on stdout: the reference tool's summary line, exactly, so
// scripts that read it keep working, preceded by the per-column breakdown and every failed row.
import { failureTotal, type RowFailure, type RunSummary, type TableCounts } from '../engine/events.js';
import { safeText } from '../text/terminal-safe.js';

export function totals(tables: readonly TableCounts[]): { rotated: number; processed: number } {
  return tables.reduce((t, c) => ({ rotated: t.rotated + c.rotated, processed: t.processed + c.processed }), {
    rotated: 0,
    processed: 0,
  });
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

function countByKeyId(failures: readonly RowFailure[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of failures) {
    const id = f.keyId ?? 'no key id';
    out[id] = (out[id] ?? 0) + 1;
  }
  return out;
}

function byKeyIdNote(counts: readonly (readonly [string, number])[]): string {
  const shown = counts.filter(([, n]) => n > 0).map(([id, n]) => `${safeText(id)}: ${n}`);
  return shown.length > 0 ? `  (${shown.join(', ')})` : '';
}

/**
 * Where the rows to rotate come from, per key id. `byKeyId` counts every row read, the ones that do
 * not decrypt included, so those are taken out: a row that cannot be decrypted is never "to rotate"
 * (it has its own line). Shown only when the figures add up to the "to rotate" count (every failure
 * listed with its key id); the external engine's counts hold rotated rows only and are shown as they are.
 */
function rotateFrom(c: TableCounts, primaryKeyId: string, failedByKeyId: Record<string, number>): string {
  const found = Object.entries(c.byKeyId).filter(([id]) => id !== primaryKeyId);
  const readable = found.map(([id, n]) => [id, n - (failedByKeyId[id] ?? 0)] as const);
  const sum = (counts: readonly (readonly [string, number])[]) => counts.reduce((t, [, n]) => t + n, 0);
  if (sum(readable) === c.rotated) return byKeyIdNote(readable);
  if (sum(found) === c.rotated) return byKeyIdNote(found);
  return '';
}

/** The dry run's answer to "what will the live run do": to rotate, already on primary, NULL, cannot be decrypted. */
export function dryRunBreakdown(summary: RunSummary): string[] {
  const lines: string[] = [];
  const allListed = !summary.unlistedFailures;
  for (const c of summary.tables) {
    const failures = summary.failures.filter((x) => x.table === c.table);
    const failedByKeyId = countByKeyId(failures);
    const complete = allListed && failures.length === c.failed;
    lines.push(`${safeText(c.table)}: ${c.processed} rows examined`);
    lines.push(
      row(`to rotate to ${summary.primaryKeyId}`, c.rotated) +
        (complete ? rotateFrom(c, summary.primaryKeyId, failedByKeyId) : ''),
    );
    lines.push(row(`already on ${summary.primaryKeyId}`, c.alreadyPrimary));
    lines.push(row('NULL', c.nulls));
    lines.push(row('cannot be decrypted', c.failed) + (complete ? byKeyIdNote(Object.entries(failedByKeyId)) : ''));
    for (const f of failures) lines.push(`  ${failureLine(f)}`);
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
    if (summary.unlistedFailures)
      lines.push(
        `... and ${summary.unlistedFailures} more, counted above but not listed (the first ${summary.failures.length} are).`,
      );
  }
  return lines;
}
