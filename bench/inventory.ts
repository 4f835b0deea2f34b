// Issue 11, whole-table reads at database speed: on the same freshly seeded table, side by side,
//   plain    the bare jsonb GROUP BY (no guard: one malformed row would abort it), the yardstick;
//   plainList the bare jsonb filter returning id, name and provider_type of every row on the key:
//            the yardstick of a listing, which ships every row to the client;
//   legacy   the inventory SQL before the fast path (legacy-inventory-sql.ts);
//   single   the inventory SQL as printed for psql, one statement;
//   ranges   the inventory as the tool reads it (id ranges, progress);
//   listing  the emergency credential listing, before (keyset pages of the old classification, then
//            `id::text = ANY(...)` per 1,000 ids) and now (id ranges, names in the same statement).
// Every kind but legacy runs --inventory-rounds times, interleaved, and the best run counts (other
// load on the machine only ever slows a run down); the legacy ones run once, not at all with
// --skip-baseline, and the legacy listing only up to LEGACY_LISTING_MAX_ROWS rows: it is quadratic
// (every page classifies and sorts the rest of the table), 12.6 s at 20,000 rows and 471.6 s at
// 200,000 on the machine of bench/README.md.
import type { Db } from '../src/db/db.js';
import { scanInventory } from '../src/db/inventory-scan.js';
import { inventorySql, summariseInventory, type Inventory } from '../src/db/inventory-sql.js';
import { resolveColumns } from '../src/db/registry.js';
import { listCredentialsOnKey } from '../src/effects/credentials-sql.js';
import { BENCH_COLUMNS } from './bench-db.js';
import { legacyInventorySql, legacyListRowsSql } from './legacy-inventory-sql.js';
import type { BenchOptions } from './options.js';

export const INVENTORY_TARGET = 0.5;
export const LEGACY_LISTING_MAX_ROWS = 50_000;

export interface InventoryFigure {
  readonly what: string;
  /** Best of the runs. */
  readonly seconds: number;
  readonly runs: number[];
  readonly rowsPerSecond: number;
  /** The plain GROUP BY's best time over this one's: 1 is as fast as the bare query. */
  readonly vsPlain: number;
}

export interface InventoryResults {
  rows: number;
  rounds: number;
  figures: InventoryFigure[];
  /** vsPlain of the inventory as the tool reads it (ranges): the figure issue 11 sets a target for. */
  ratio: number;
  /** The bare listing query's best time over the emergency listing's. */
  listingRatio: number;
  target: number;
  verdict: 'PASS' | 'FAIL';
}

const PLAIN = (table: string, column: string) =>
  `SELECT convert_from(${column}, 'UTF8')::jsonb->>'key_id' AS key_id, count(*) AS n FROM ${table} GROUP BY 1`;
const PLAIN_LIST = (table: string, column: string) =>
  `SELECT id::text AS id, name::text AS name, provider_type::text AS provider_type FROM ${table} WHERE convert_from(${column}, 'UTF8')::jsonb->>'key_id' = 'kek-v1' ORDER BY id`;

async function seconds<T>(work: () => Promise<T>): Promise<{ s: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await work();
  return { s: Number(process.hrtime.bigint() - started) / 1e9, value };
}

function sameCounts(what: string, got: Inventory, want: Inventory): void {
  if (JSON.stringify(got) !== JSON.stringify(want))
    throw new Error(`${what} counted ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
}

/** The emergency listing before issue 11: keyset pages of ids on the key, then the names of each 1,000 ids by `id::text = ANY`. */
async function legacyListing(
  db: Db,
  column: Awaited<ReturnType<typeof resolveColumns>>[number],
  keyId: string,
): Promise<number> {
  const ids: string[] = [];
  let afterId: string | undefined;
  for (;;) {
    const q = legacyListRowsSql(column, { keyId }, { afterId, limit: 1000 });
    const { rows } = await db.query<{ id: string }>(q.text, q.params);
    ids.push(...rows.map((r) => r.id));
    if (rows.length < 1000) break;
    afterId = rows.at(-1)!.id;
  }
  let named = 0;
  for (let i = 0; i < ids.length; i += 1000) {
    const { rows } = await db.query(
      `SELECT ${column.quotedId}::text AS id, name::text AS name, provider_type::text AS provider_type FROM ${column.qualifiedTable} WHERE ${column.quotedId}::text = ANY($1::text[])`,
      [ids.slice(i, i + 1000)],
    );
    named += rows.length;
  }
  return named;
}

export async function runInventoryBench(
  db: Db,
  o: BenchOptions,
  log: (line: string) => void,
): Promise<InventoryResults> {
  const [column] = await resolveColumns(db, BENCH_COLUMNS);
  if (!column) throw new Error('the bench column is not there');
  const want: Inventory = { total: o.rows, nulls: 0, invalid: 0, byKeyId: { 'kek-v1': o.rows } };
  const runs: Record<string, number[]> = { plain: [], single: [], ranges: [], plainList: [], listing: [] };
  const labels: Record<string, string> = {
    plain: "plain: convert_from(col, 'UTF8')::jsonb->>'key_id', GROUP BY",
    plainList: "plain listing: id, name, provider_type WHERE ...->>'key_id' = 'kek-v1'",
    legacy: 'inventory SQL before issue 11 (one statement)',
    single: 'inventory SQL now, one statement (as printed for psql)',
    ranges: 'inventory now, as the tool reads it (id ranges, progress)',
    legacyListing: 'emergency listing before (pages, then id::text = ANY)',
    listing: 'emergency listing now (id ranges, names in the same pass)',
  };
  for (let round = 1; round <= o.inventoryRounds; round++) {
    const plain = await seconds(() =>
      db.query<{ key_id: string; n: unknown }>(PLAIN(column.qualifiedTable, column.quotedColumn)),
    );
    if (Number(plain.value.rows[0]?.n) !== o.rows)
      throw new Error(`plain GROUP BY counted ${JSON.stringify(plain.value.rows)}`);
    runs.plain!.push(plain.s);
    const single = await seconds(() =>
      db.query<{ status: string; key_id: string | null; rows: unknown }>(inventorySql(column)),
    );
    sameCounts('inventory SQL', summariseInventory(single.value.rows), want);
    runs.single!.push(single.s);
    const ranges = await seconds(() => scanInventory(db, column));
    sameCounts('range inventory', ranges.value, want);
    runs.ranges!.push(ranges.s);
    const plainList = await seconds(() => db.query(PLAIN_LIST(column.qualifiedTable, column.quotedColumn)));
    if (plainList.value.rows.length !== o.rows)
      throw new Error(`the plain listing found ${plainList.value.rows.length} rows`);
    runs.plainList!.push(plainList.s);
    const listing = await seconds(() => listCredentialsOnKey(db, [column], 'kek-v1'));
    if (listing.value.length !== o.rows)
      throw new Error(`the listing found ${listing.value.length} rows, expected ${o.rows}`);
    runs.listing!.push(listing.s);
    log(
      `  inventory round ${round}: plain ${plain.s.toFixed(3)} s, single ${single.s.toFixed(3)} s, ranges ${ranges.s.toFixed(3)} s, plain listing ${plainList.s.toFixed(3)} s, listing ${listing.s.toFixed(3)} s`,
    );
  }
  if (!o.skipBaseline) {
    log('  legacy inventory SQL (once)');
    const legacy = await seconds(() =>
      db.query<{ status: string; key_id: string | null; rows: unknown }>(legacyInventorySql(column)),
    );
    sameCounts('legacy inventory SQL', summariseInventory(legacy.value.rows), want);
    runs.legacy = [legacy.s];
    log(`  legacy inventory SQL: ${legacy.s.toFixed(3)} s`);
    if (o.rows <= LEGACY_LISTING_MAX_ROWS) {
      log('  legacy emergency listing (once)');
      const legacyList = await seconds(() => legacyListing(db, column, 'kek-v1'));
      if (legacyList.value !== o.rows)
        throw new Error(`the legacy listing named ${legacyList.value} rows, expected ${o.rows}`);
      runs.legacyListing = [legacyList.s];
      log(`  legacy emergency listing: ${legacyList.s.toFixed(3)} s`);
    } else {
      log(`  legacy emergency listing skipped: above ${LEGACY_LISTING_MAX_ROWS} rows it takes minutes (quadratic)`);
    }
  }
  const best = (xs: number[]) => Math.min(...xs);
  const plainBest = best(runs.plain!);
  const order = ['plain', 'legacy', 'single', 'ranges', 'plainList', 'legacyListing', 'listing'].filter(
    (k) => runs[k] !== undefined,
  );
  const figures = order.map((k) => {
    const s = best(runs[k]!);
    return { what: labels[k]!, seconds: s, runs: runs[k]!, rowsPerSecond: o.rows / s, vsPlain: plainBest / s };
  });
  const ratio = plainBest / best(runs.ranges!);
  const listingRatio = best(runs.plainList!) / best(runs.listing!);
  return {
    rows: o.rows,
    rounds: o.inventoryRounds,
    figures,
    ratio,
    listingRatio,
    target: INVENTORY_TARGET,
    verdict: ratio >= INVENTORY_TARGET ? 'PASS' : 'FAIL',
  };
}

export function formatInventory(r: InventoryResults): string {
  const header = ['what', 'best s', 'rows/s', 'vs plain'];
  const rows = r.figures.map((f) => [
    f.what,
    f.seconds.toFixed(3),
    String(Math.round(f.rowsPerSecond)),
    `${f.vsPlain.toFixed(2)}x`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    '  ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    line(header),
    ...rows.map(line),
    `  inventory as the tool reads it / plain GROUP BY: ${r.ratio.toFixed(2)}x (target >= ${r.target}x): ${r.verdict}`,
    `  emergency listing / plain listing: ${r.listingRatio.toFixed(2)}x`,
  ].join('\n');
}
