// Whole-table reads of one encrypted column at database speed, with progress. The inventory (rows
// per key id, NULLs, invalid values) and the rows on one key are read as consecutive id ranges of
// about RANGE_ROWS rows, one statement per range (an index range scan with the classification
// inventorySql prints), so the caller can show rows read of the total, the rate and an ETA, and can
// stop between ranges. The boundaries are percentiles of a sample of the ids: one cheap statement.
// Ranges are of ids, not of pages, so a row updated meanwhile (it moves in the heap, not in the
// index order) is still read exactly once.
import { CancelledError } from '../errors.js';
import type { ResolvedColumn } from './column.js';
import type { Queryable } from './db.js';
import {
  countRowsSql,
  inventoryRangeSql,
  rangeBoundsSql,
  summariseInventory,
  type IdRange,
  type Inventory,
} from './inventory-sql.js';

/** Rows per range: about 50 ms of work each here, so progress moves several times a second. */
export const RANGE_ROWS = 20_000;

export interface ScanProgress {
  /** `table.column`. */
  readonly column: string;
  /** Rows read so far. */
  readonly done: number;
  /** Rows in the table when the read started (never below `done`; `done` itself once finished). */
  readonly total: number;
  readonly elapsedMs: number;
  readonly rowsPerSecond: number;
  /** Seconds left at the current rate; undefined until a rate is known. */
  readonly etaSeconds: number | undefined;
  /** The last report of this read. */
  readonly finished: boolean;
}

export interface ScanOptions {
  signal?: AbortSignal | undefined;
  /** Called once before the first range, after every range, and once more when finished. */
  onProgress?: ((progress: ScanProgress) => void) | undefined;
  /** Rows per range (default RANGE_ROWS). */
  rangeRows?: number | undefined;
  now?: (() => number) | undefined;
}

/** Consecutive ranges covering every id: up to the first boundary, between boundaries, after the last. */
export function rangesBetween(bounds: readonly (string | null)[]): IdRange[] {
  const distinct = [...new Set(bounds.filter((b): b is string => b !== null))];
  if (distinct.length === 0) return [{}];
  const ranges: IdRange[] = [{ upTo: distinct[0] }];
  for (let i = 1; i < distinct.length; i++) ranges.push({ after: distinct[i - 1], upTo: distinct[i] });
  ranges.push({ after: distinct[distinct.length - 1] });
  return ranges;
}

/**
 * Calls `read` on consecutive id ranges that together cover every row, in id order. `read` returns
 * how many rows it read (undefined: an even share of the total). Rows inserted or deleted meanwhile
 * are read or not, as with any keyset scan; none is read twice.
 */
export async function scanIdRanges(
  db: Queryable,
  column: ResolvedColumn,
  options: ScanOptions,
  read: (range: IdRange) => Promise<number | undefined>,
): Promise<void> {
  const rangeRows = Math.max(1, Math.floor(options.rangeRows ?? RANGE_ROWS));
  const now = options.now ?? Date.now;
  const started = now();
  const counted = await db.query<{ total: unknown }>(countRowsSql(column));
  let total = Number(counted.rows[0]?.total ?? 0);
  let done = 0;
  const report = (finished: boolean) => {
    if (!options.onProgress) return;
    const elapsedMs = Math.max(0, now() - started);
    const rowsPerSecond = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
    const etaSeconds = finished ? 0 : rowsPerSecond > 0 ? Math.max(0, total - done) / rowsPerSecond : undefined;
    options.onProgress({ column: column.label, done, total, elapsedMs, rowsPerSecond, etaSeconds, finished });
  };
  report(false);
  const parts = Math.ceil(total / rangeRows);
  let ranges: IdRange[] = [{}];
  if (parts > 1) {
    const q = rangeBoundsSql(column, total, parts);
    ranges = rangesBetween((await db.query<{ b: (string | null)[] | null }>(q.text, q.params)).rows[0]?.b ?? []);
  }
  for (const [i, range] of ranges.entries()) {
    if (options.signal?.aborted) throw new CancelledError(`stopped while reading ${column.label}`);
    const last = i === ranges.length - 1;
    const rows = await read(range);
    done +=
      rows ??
      (last ? Math.max(0, total - done) : Math.min(Math.round(total / ranges.length), Math.max(0, total - done)));
    // Rows inserted meanwhile count too; at the end, the total is what was read.
    total = last ? done : Math.max(total, done);
    report(last);
  }
}

/** Adds `part` (the counts of one range) into `into`. */
function addInventory(into: Inventory, part: Inventory): void {
  into.total += part.total;
  into.nulls += part.nulls;
  into.invalid += part.invalid;
  for (const [keyId, n] of Object.entries(part.byKeyId)) into.byKeyId[keyId] = (into.byKeyId[keyId] ?? 0) + n;
}

/** The inventory of one column (what inventorySql counts), read range by range with progress. */
export async function scanInventory(
  db: Queryable,
  column: ResolvedColumn,
  options: ScanOptions = {},
): Promise<Inventory> {
  const out: Inventory = { total: 0, nulls: 0, invalid: 0, byKeyId: {} };
  await scanIdRanges(db, column, options, async (range) => {
    const q = inventoryRangeSql(column, range);
    const { rows } = await db.query<{ status: string; key_id: string | null; rows: unknown }>(q.text, q.params);
    const part = summariseInventory(rows);
    addInventory(out, part);
    return part.total;
  });
  return out;
}

function formatSeconds(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** One line for people, e.g. `Reading llm_providers.api_key_encrypted: 40000 of 200000 rows (20%), 310000 rows/s, ETA 0:01`. */
export function describeScanProgress(p: ScanProgress, what = 'Reading'): string {
  const pct = p.total === 0 ? 100 : Math.floor((p.done / p.total) * 100);
  const rate = `${Math.round(p.rowsPerSecond)} rows/s`;
  if (p.done === 0 && !p.finished) return `${what} ${p.column}: 0 of ${p.total} rows`;
  if (p.finished)
    return `${what} ${p.column}: ${p.done} of ${p.total} rows (100%) in ${(p.elapsedMs / 1000).toFixed(1)} s, ${rate}`;
  return `${what} ${p.column}: ${p.done} of ${p.total} rows (${pct}%), ${rate}, ETA ${formatSeconds(p.etaSeconds)}`;
}

/** The machine-readable form of a progress report (`--json`): one object per line. */
export function scanProgressEvent(p: ScanProgress, phase: string): Record<string, unknown> {
  return {
    type: 'progress',
    phase,
    column: p.column,
    done: p.done,
    total: p.total,
    elapsedMs: Math.round(p.elapsedMs),
    rowsPerSecond: Math.round(p.rowsPerSecond),
    etaSeconds: p.etaSeconds === undefined ? null : Math.round(p.etaSeconds),
    finished: p.finished,
  };
}

/**
 * A progress callback that passes on the first and the last report of each read and, between
 * them, at most one every `intervalMs` (a line per range would flood a log).
 */
export function throttleScanProgress(
  emit: (p: ScanProgress) => void,
  intervalMs: number,
  now: () => number = Date.now,
): (p: ScanProgress) => void {
  let last = -Infinity;
  return (p) => {
    const first = p.done === 0 && !p.finished;
    if (!first && !p.finished && now() - last < intervalMs) return;
    last = now();
    emit(p);
  };
}
