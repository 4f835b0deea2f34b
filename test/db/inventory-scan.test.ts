// The inventory as the tool reads it: consecutive id ranges (keyset, in the id column's own order)
// that cover every row once, progress after each range (rows read of the total, rate, ETA), a stop
// between ranges, and rows inserted meanwhile counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptValue } from '../../src/crypto/envelope.js';
import type { ResolvedColumn } from '../../src/db/column.js';
import type { Db } from '../../src/db/db.js';
import {
  describeScanProgress,
  rangesBetween,
  scanIdRanges,
  scanInventory,
  scanProgressEvent,
  throttleScanProgress,
  type ScanProgress,
} from '../../src/db/inventory-scan.js';
import { inventoryRangeSql, inventorySql, summariseInventory } from '../../src/db/inventory-sql.js';
import { resolveColumns } from '../../src/db/registry.js';
import { CancelledError } from '../../src/errors.js';
import { BACKENDS } from '../helpers/test-db.js';
import { PGLITE_START_TIMEOUT_MS, perTestSchema } from '../helpers/test-db.js';
import { MALFORMED, makeKek } from './seed.js';

/** A table with bigint ids, inserted out of order: 1..n, with NULLs, malformed values and two keys. */
async function bigintTable(db: Db, n: number): Promise<ResolvedColumn> {
  await db.query('CREATE TABLE secrets (id bigint PRIMARY KEY, token_encrypted bytea)');
  const v1 = makeKek('kek-v1');
  const v2 = makeKek('kek-v2');
  const malformed = Object.values(MALFORMED);
  const ids = Array.from({ length: n }, (_, i) => i + 1).sort((a, b) => ((a * 7919) % 31) - ((b * 7919) % 31));
  for (const id of ids) {
    const value =
      id % 9 === 0
        ? null
        : id % 7 === 0
          ? malformed[id % malformed.length]!
          : encryptValue(id % 3 === 0 ? v2 : v1, `sk-${id}`);
    await db.query('INSERT INTO secrets VALUES ($1, $2)', [id, value]);
  }
  const [column] = await resolveColumns(db, [{ table: 'secrets', column: 'token_encrypted', idColumn: 'id' }]);
  return column!;
}

/** A clock that moves 100 ms each time it is read. */
function steppingClock(): () => number {
  let t = 1_000_000;
  return () => (t += 100);
}

describe('progress for people and for scripts', () => {
  const p = (done: number, total: number, extra: Partial<ScanProgress> = {}): ScanProgress => ({
    column: 'llm_providers.api_key_encrypted',
    done,
    total,
    elapsedMs: 2000,
    rowsPerSecond: done / 2,
    etaSeconds: done === 0 ? undefined : (total - done) / (done / 2),
    finished: false,
    ...extra,
  });

  it('says rows read of the total, the rate and the ETA, then the time it took', () => {
    expect(describeScanProgress(p(0, 200000), 'Counting')).toBe(
      'Counting llm_providers.api_key_encrypted: 0 of 200000 rows',
    );
    expect(describeScanProgress(p(50000, 200000), 'Counting')).toBe(
      'Counting llm_providers.api_key_encrypted: 50000 of 200000 rows (25%), 25000 rows/s, ETA 0:06',
    );
    expect(
      describeScanProgress(
        p(200000, 200000, { finished: true, etaSeconds: 0, elapsedMs: 1500, rowsPerSecond: 133333.3 }),
      ),
    ).toBe('Reading llm_providers.api_key_encrypted: 200000 of 200000 rows (100%) in 1.5 s, 133333 rows/s');
    expect(scanProgressEvent(p(50000, 200000), 'inventory')).toEqual({
      type: 'progress',
      phase: 'inventory',
      column: 'llm_providers.api_key_encrypted',
      done: 50000,
      total: 200000,
      elapsedMs: 2000,
      rowsPerSecond: 25000,
      etaSeconds: 6,
      finished: false,
    });
    expect(scanProgressEvent(p(0, 10), 'inventory').etaSeconds).toBeNull();
  });

  it('passes the first and the last report of a read, and at most one per interval between them', () => {
    let now = 0;
    const seen: number[] = [];
    const emit = throttleScanProgress(
      (x) => seen.push(x.done),
      5000,
      () => now,
    );
    emit(p(0, 100));
    for (const done of [10, 20, 30]) {
      now += 1000;
      emit(p(done, 100));
    }
    now += 4000; // 7 s after the first
    emit(p(40, 100));
    now += 1000;
    emit(p(100, 100, { finished: true }));
    expect(seen).toEqual([0, 40, 100]);
  });

  it('splits at the sampled boundaries, once each, covering everything', () => {
    expect(rangesBetween([])).toEqual([{}]);
    expect(rangesBetween([null, null])).toEqual([{}]);
    expect(rangesBetween(['10', '10', '20', null])).toEqual([
      { upTo: '10' },
      { after: '10', upTo: '20' },
      { after: '20' },
    ]);
  });
});

describe.each(BACKENDS)('inventory read in id ranges on $name', (backend) => {
  const dbs = perTestSchema(backend);
  beforeAll(() => dbs.prepare(), PGLITE_START_TIMEOUT_MS);
  afterAll(() => dbs.closeAll());

  it.skipIf(!backend.available)(
    'counts exactly what the single statement counts, reporting progress after every range',
    async () => {
      const t = await dbs.fresh();
      try {
        const column = await bigintTable(t.db, 60);
        const single = summariseInventory(
          (await t.db.query<{ status: string; key_id: string | null; rows: unknown }>(inventorySql(column))).rows,
        );
        const reports: ScanProgress[] = [];
        const counted = await scanInventory(t.db, column, {
          rangeRows: 8,
          onProgress: (x) => reports.push(x),
          now: steppingClock(),
        });
        expect(counted).toEqual(single);
        expect(counted.total).toBe(60);
        expect(counted.nulls).toBe(6);
        expect(reports.length).toBeGreaterThanOrEqual(4);
        expect(reports[0]).toMatchObject({
          column: 'secrets.token_encrypted',
          done: 0,
          total: 60,
          finished: false,
          etaSeconds: undefined,
        });
        const dones = reports.map((r) => r.done);
        expect([...dones].sort((a, b) => a - b)).toEqual(dones);
        expect(reports.at(-1)).toMatchObject({ done: 60, total: 60, finished: true, etaSeconds: 0 });
        expect(
          reports.slice(1, -1).every((r) => !r.finished && r.rowsPerSecond > 0 && r.etaSeconds !== undefined),
        ).toBe(true);
      } finally {
        await t.drop();
      }
    },
  );

  it.skipIf(!backend.available)(
    "ranges follow the id column's own order (bigint, not text) and read every row once",
    async () => {
      const t = await dbs.fresh();
      try {
        const column = await bigintTable(t.db, 45);
        const seen: string[] = [];
        let statements = 0;
        await scanIdRanges(t.db, column, { rangeRows: 4 }, async (range) => {
          statements++;
          const where = [
            range.after !== undefined ? `id > ${Number(range.after)}` : 'true',
            range.upTo !== undefined ? `id <= ${Number(range.upTo)}` : 'true',
          ];
          const { rows } = await t.db.query<{ id: string }>(
            `SELECT id::text AS id FROM secrets WHERE ${where.join(' AND ')} ORDER BY secrets.id`,
          );
          seen.push(...rows.map((r) => r.id));
          return rows.length;
        });
        expect(statements).toBeGreaterThan(3);
        expect(seen).toEqual(Array.from({ length: 45 }, (_, i) => String(i + 1)));
      } finally {
        await t.drop();
      }
    },
  );

  it.skipIf(!backend.available)('stops between ranges when asked to, and counts rows inserted meanwhile', async () => {
    const t = await dbs.fresh();
    try {
      const column = await bigintTable(t.db, 30);
      const stop = new AbortController();
      let ranges = 0;
      await expect(
        scanIdRanges(t.db, column, { rangeRows: 5, signal: stop.signal }, async () => {
          ranges++;
          stop.abort();
          return undefined;
        }),
      ).rejects.toThrow(CancelledError);
      expect(ranges).toBe(1);

      let inserted = false;
      let counted = 0;
      const reports: ScanProgress[] = [];
      await scanIdRanges(t.db, column, { rangeRows: 5, onProgress: (x) => reports.push(x) }, async (range) => {
        const q = inventoryRangeSql(column, range);
        const part = summariseInventory(
          (await t.db.query<{ status: string; key_id: string | null; rows: unknown }>(q.text, q.params)).rows,
        );
        counted += part.total;
        if (!inserted) {
          inserted = true;
          await t.db.query('INSERT INTO secrets VALUES (1000, NULL)');
        }
        return part.total;
      });
      expect(reports[0]).toMatchObject({ done: 0, total: 30 });
      expect(counted).toBe(31);
      expect(reports.at(-1)).toMatchObject({ done: 31, total: 31, finished: true });
    } finally {
      await t.drop();
    }
  });
});
