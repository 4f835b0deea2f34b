// An interrupted rotation resumed with the environment as the operator left it: the tool held the
// new key in memory last time, so this session has only the old one while rows are already on the
// new one. It must carry the rotation forward (load the new key from its file, proven on the rows),
// never offer to move the rows back onto the key being retired, and finish to a verified end.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatKey } from '../../src/crypto/key.js';
import { DEFAULT_COLUMNS } from '../../src/db/column.js';
import { createProductionEffects } from '../../src/effects/production-effects.js';
import { openJournalWriter, readJournal, renderReport } from '../../src/journal/index.js';
import { perTestSchema, PGLITE_START_TIMEOUT_MS } from '../helpers/test-db.js';
import { makeKek } from '../db/seed.js';
import type { TestDatabase } from '../helpers/test-db.js';
import { BACKENDS } from '../helpers/test-db.js';
import { keyIdCounts, operate, seedTable, tempDir, writeEnv } from './effects-harness.js';

const ROWS = 30;

describe.each(BACKENDS)('resuming without the new key on $name', (backend) => {
  const dbs = perTestSchema(backend);
  beforeAll(() => dbs.prepare(), PGLITE_START_TIMEOUT_MS);
  afterAll(() => dbs.closeAll());
  const live = it.skipIf(!backend.available);

  live(
    'pauses mid-run, quits, and the next session loads kek-v2 from its file and finishes kek-v1 -> kek-v2',
    async () => {
      const t: TestDatabase = await dbs.fresh();
      const seeded = await seedTable(t.db, ROWS);
      const dir = tempDir();
      const envFile = writeEnv(dir, seeded.v1);
      const journalPath = join(dir, 'journal.jsonl');
      const session = (maxRate?: number) =>
        createProductionEffects({
          db: t.db,
          env: { cwd: dir, envFile, processEnv: {} },
          columns: DEFAULT_COLUMNS,
          engine: { type: 'builtin' },
          batchSize: 2,
          maxRate,
          journal: openJournalWriter(journalPath),
        });

      // Session 1: generate kek-v2, write it to a file, deploy it (the tool's env left alone), start the live run, pause, quit.
      const first = operate(session(20), { rotationId: 'rot-first' });
      await first.at('preflight.ready');
      first.send({ type: 'CHOOSE_PATH', path: 'rotate' });
      await first.at('generate.show');
      first.send({ type: 'WRITE_KEY_FILE', path: 'kek-v2.key' });
      await first.at('generate.show');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(first.actor.getSnapshot().context.keyFile).toBe('kek-v2.key');
      first.send({ type: 'CONFIRM' }, { type: 'CHOOSE_DEPLOY', plan: 'runbook' });
      await first.at('deploy.both');
      first.send({ type: 'CONFIRM' });
      await first.at('reencrypt.dryRunReview');
      first.send({ type: 'CONFIRM' });
      await first.at('reencrypt.live');
      while ((await keyIdCounts(t.db))['kek-v2'] === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
      first.send({ type: 'PAUSE' });
      await first.at('reencrypt.paused');
      first.send({ type: 'QUIT' });
      const midway = await keyIdCounts(t.db);
      expect(midway['kek-v2']).toBeGreaterThan(0);
      expect(midway['kek-v1']).toBeGreaterThan(0);

      // Session 2: the same environment (kek-v1 only). The rotation is recognised, not "stray rows".
      const second = operate(session(), { rotationId: 'rot-second' });
      await second.at('preflight.needKey');
      const ctx = second.actor.getSnapshot().context;
      expect([ctx.oldKeyId, ctx.newKeyId]).toEqual(['kek-v1', 'kek-v2']);
      expect(ctx.resumePoint?.keyFile).toBe('kek-v2.key');
      expect(ctx.stray).toEqual([]);
      expect(second.actor.getSnapshot().can({ type: 'START_ROLLBACK' })).toBe(false);
      expect(second.actor.getSnapshot().can({ type: 'CHOOSE_PATH', path: 'rotate' })).toBe(false);

      // A file with another key under the same id is refused, and nothing changes.
      writeFileSync(join(dir, 'impostor.key'), `${formatKey(makeKek('kek-v2'))}\n`);
      second.send({ type: 'LOAD_KEY_FILE', path: 'impostor.key' });
      await second.at('preflight.needKey');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(second.actor.getSnapshot().context.error?.message).toMatch(
        /decrypts none of the \d+ rows labelled kek-v2 that were tried: this is not the key/,
      );
      second.send({ type: 'LOAD_KEY_FILE', path: 'nowhere.key' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      await second.at('preflight.needKey');
      expect(second.actor.getSnapshot().context.error?.message).toContain('nowhere.key');

      // The right file: the tool holds both keys and continues forward where the rotation stands.
      second.send({ type: 'LOAD_KEY_FILE', path: 'kek-v2.key' });
      await second.at('preflight.resumeOffer');
      expect(second.actor.getSnapshot().context.configured).toEqual({
        primaryKeyId: 'kek-v2',
        previousKeyId: 'kek-v1',
      });
      expect(second.actor.getSnapshot().context.resumeTarget).toBe('reencrypt');
      second.send({ type: 'RESUME_FROM_JOURNAL' });
      await second.at('reencrypt.dryRunReview');
      second.send({ type: 'CONFIRM' });
      await second.at('reencrypt.liveReview');
      second.send({ type: 'CONFIRM' });
      await second.at('verify.passed');
      expect(await keyIdCounts(t.db)).toEqual({ 'kek-v2': ROWS, NULL: 1 });
      second.send({ type: 'QUIT' });
      // One rotation in the journal: the resumed session adopted the first one's id. No key material.
      const journal = readFileSync(journalPath, 'utf8');
      expect(journal).not.toContain(seeded.v1.bytes.toString('base64'));
      const lines = journal
        .trimEnd()
        .split('\n')
        .map(
          (line) =>
            JSON.parse(line) as { rotationId: string; step: string; outcome: string; counts?: Record<string, number> },
        );
      expect(lines).toContainEqual(
        expect.objectContaining({ rotationId: 'rot-first', step: 'verify.passed', outcome: 'ok' }),
      );
      // Until it adopted the rotation, the second session only read (preflight); after, it wrote as rot-first.
      expect(lines.filter((l) => l.rotationId === 'rot-second').every((l) => l.step.startsWith('preflight.'))).toBe(
        true,
      );
      // The paused pass of the first session journaled its counts: rows moved and rows remaining.
      const paused = lines.find(
        (l) =>
          l.rotationId === 'rot-first' && l.step === 'reencrypt.live' && l.outcome === 'info' && l.counts !== undefined,
      );
      expect(paused?.counts).toMatchObject({ rotated: midway['kek-v2'] });
      // The report: one rotation (the resumed one, under its own id), its real path, every row it moved
      // over both sessions; the second session's reads before it adopted the rotation are listed apart.
      const report = renderReport(readJournal(journalPath).entries);
      expect(report.match(/^## Rotation /gm)).toHaveLength(1);
      expect(report).toContain('## Rotation rot-first');
      expect(report).toContain('- **Path:** standard');
      expect(report).toMatch(
        new RegExp(`- \\*\\*Rows re-encrypted:\\*\\* ${ROWS} over [2-9] live passes \\(failed: 0\\)`),
      );
      expect(report).toContain('## Sessions that only read');
      expect(report).not.toContain('rollback');
      await t.drop();
    },
    240_000,
  );
});
