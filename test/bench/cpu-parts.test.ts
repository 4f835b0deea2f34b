// The bench's split of the client CPU per re-encrypted row: each part is really timed (a part that
// does nothing would read 0), the parts are the ones a row meets, and the printed sum and remainder
// are arithmetic on the figures shown.
import { describe, expect, it } from 'vitest';
import { makeBenchKeys, rotationRing } from '../../bench/bench-keys.js';
import { cpuMicrosPerRow, measureCpuParts } from '../../bench/cpu-parts.js';
import { formatCpuParts } from '../../bench/report.js';
import { encryptValue } from '../../src/crypto/envelope.js';
import type { SourceRow } from '../../src/engine/source-row.js';

function pagesOnOldKey(rows: number, pageSize: number): SourceRow[][] {
  const keys = makeBenchKeys();
  const all = Array.from({ length: rows }, (_, i) => ({
    id: `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`,
    value: encryptValue(keys.old, `sk-test-${i}-${'x'.repeat(40)}`),
  }));
  const pages: SourceRow[][] = [];
  for (let i = 0; i < rows; i += pageSize) pages.push(all.slice(i, i + pageSize));
  return pages;
}

describe('client CPU per row, part by part', () => {
  it('times work, not nothing: a loop costs more per row than an empty one', () => {
    const idle = cpuMicrosPerRow(1000, () => undefined);
    const busy = cpuMicrosPerRow(1000, () => {
      let x = 0;
      for (let i = 0; i < 2_000_000; i++) x += Math.sqrt(i);
      if (x < 0) throw new Error('unreachable');
    });
    expect(busy).toBeGreaterThan(idle);
    expect(busy).toBeGreaterThan(0.5);
  });

  it('measures every part a reencrypt row meets, on the rows given', async () => {
    const keys = makeBenchKeys();
    const pages = pagesOnOldKey(3000, 500);
    const parts = await measureCpuParts(rotationRing(keys), pages, 5);
    expect(parts.rows).toBe(3000);
    expect(parts.crypto.map((p) => p.part.split(' ')[0])).toEqual([
      'AES-256-GCM',
      'payload',
      'payload',
      'random',
      'rest',
    ]);
    expect(parts.crypto[0]!.microsPerRow).toBe(30); // six calls at the 5 µs given
    for (const p of [...parts.crypto.slice(1, 4), parts.handOff]) expect(p.microsPerRow, p.part).toBeGreaterThan(0);
    expect(Object.keys(parts.gcMicrosPerRow).sort()).toEqual(
      ['payload parse', 'payload serialize', 'random bytes', 'rotateBatch', 'worker hand-off'].sort(),
    );
  }, 60_000);

  it('prints the sum of the parts and what the engine run spent beyond them', () => {
    const stage = (name: string, client: number) => ({
      stage: name,
      rows: 10,
      seconds: 1,
      clientMicrosPerRow: client,
      gcMicrosPerRow: 0.5,
    });
    const text = formatCpuParts(
      {
        stages: [
          stage('fetch (engine keyset pages of 100)', 4),
          stage('write (engine compareAndSwap: lock + CAS tx)', 6),
        ],
        parts: {
          rows: 10,
          crypto: [
            { part: 'AES-256-GCM (6 calls x 5.00 µs)', microsPerRow: 30 },
            { part: 'payload parse', microsPerRow: 3 },
            { part: 'payload serialize', microsPerRow: 2 },
            { part: 'random bytes', microsPerRow: 1 },
            { part: 'rest of rotateBatch', microsPerRow: 2 },
          ],
          handOff: { part: 'worker hand-off', microsPerRow: 2 },
          gcMicrosPerRow: { rotateBatch: 1, 'worker hand-off': 0.2 },
        },
      },
      60,
    );
    expect(text).toMatch(/sum of the parts\s+50\.0 µs/);
    expect(text).toMatch(/the engine run \(reencrypt, every thread\)\s+60\.0 µs/);
    expect(text).toMatch(/not in any part .*\s+10\.0 µs/);
    expect(text).toMatch(/driver \+ reader: fetch the pages \(pg decode\)\s+4\.0 µs\s+\(GC 0\.5\)/);
  });
});
