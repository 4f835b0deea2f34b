// The commands around the runbook, run as the real binary: the Markdown runbook, the journal report,
// seeding a staging database, the scenario list, and the runbook refusing to start without a terminal.
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderRunbookMarkdown } from '../../runbook/index.js';
import { openJournalWriter } from '../../src/journal/index.js';
import { openPglite } from '../../src/db/pglite-adapter.js';
import { createApplicationSchema } from '../../src/sandbox/schema.js';
import { freshPg, TEST_DATABASE_URL } from '../helpers/test-db.js';
import { insertProvider } from '../db/seed.js';
import { cli, emptyDir } from './cli-harness.js';

describe('runbook --markdown', () => {
  it('prints the runbook generated from runbook/, exactly', async () => {
    const r = await cli(['runbook', '--markdown']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trimEnd()).toBe(renderRunbookMarkdown().trimEnd());
    expect(r.stdout).toMatch(/^# /m);
  });
});

describe('report', () => {
  it('renders a journal file as Markdown, with the rotation and its steps', async () => {
    const dir = emptyDir();
    const file = join(dir, 'journal.jsonl');
    const writer = openJournalWriter(file, { operator: 'alice@host' });
    writer.append({
      rotationId: 'rot-report-1',
      phase: 'preflight',
      step: 'preflight.loading',
      outcome: 'ok',
      keys: { primary: 'kek-v1' },
      counts: { 'kek-v1': 10 },
    });
    writer.append({
      rotationId: 'rot-report-1',
      path: 'rotate',
      phase: 'generate',
      step: 'generate.creating',
      outcome: 'ok',
      keys: { new: 'kek-v2', old: 'kek-v1' },
    });
    const r = await cli(['report', '--journal', file]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('rot-report-1');
    expect(r.stdout).toContain('kek-v2');
    expect(r.stdout).toContain('alice@host');
  });

  it('a missing journal is a usage error naming the path', async () => {
    const r = await cli(['report', '--journal', 'nope.jsonl']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/there is no journal at .*nope\.jsonl/);
  });
});

describe('rehearse', () => {
  it('--list-scenarios works without a terminal and names every scenario with its goal', async () => {
    const r = await cli(['rehearse', '--list-scenarios']);
    expect(r.exitCode).toBe(0);
    for (const name of [
      'happy-path',
      'rolling-deploy',
      'stray-old-key',
      'tampered-row',
      'removed-too-early',
      'compromised-key',
    ])
      expect(r.stdout).toContain(name);
    expect(r.stdout.match(/Goal: /g)).toHaveLength(6);
  });

  it('without a terminal, or with an unknown scenario, is a usage error', async () => {
    const piped = await cli(['rehearse']);
    expect(piped.exitCode).toBe(2);
    expect(piped.stderr).toContain('needs an interactive terminal');
    expect(piped.stderr).toContain('--list-scenarios');
    const unknown = await cli(['rehearse', '--scenario', 'nope']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('there is no scenario named "nope"');
  });
});

describe('the interactive runbook without a terminal', () => {
  it.each([[[]], [['--emergency']], [['--database-url', 'postgres://u:secret@127.0.0.1:1/x']]])(
    'kek-rotate %j exits 2 and names the headless commands',
    async (args) => {
      const r = await cli(args);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain('The interactive runbook needs an interactive terminal');
      expect(r.stderr).toContain('kek-rotate reencrypt --dry-run');
      expect(r.stderr).toContain('kek-rotate verify --only-primary');
      expect(r.stderr).not.toContain('secret');
    },
  );

  it('flag errors come first and name plain kek-rotate', async () => {
    const r = await cli(['--engine', 'warp']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--engine must be one of builtin, container, command');
    const c = await cli(['--engine', 'command']);
    expect(c.stderr).toContain('--engine command needs --command PATH');
  });
});

describe('seed', () => {
  it('needs an explicit database: DATABASE_URL is not enough', async () => {
    const r = await cli(['seed'], { DATABASE_URL: 'postgres://u@127.0.0.1:1/x' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('seed needs --database-url URL');
  });

  it.skipIf(!TEST_DATABASE_URL)(
    'on PostgreSQL: seeds with the key in a 0600 file, then refuses a table with foreign rows unless --force',
    async () => {
      const t = await freshPg('seedcli');
      const dir = emptyDir();
      try {
        const first = await cli(['seed', '--database-url', t.url!, '--rows', '5'], {}, undefined, dir);
        expect(first.exitCode).toBe(0);
        expect(first.stdout).toContain('inserted 5 providers');
        const keyFile = join(dir, 'kek-rotate-seed-kek-v1.key');
        expect(statSync(keyFile).mode & 0o777).toBe(0o600);
        expect(first.stdout + first.stderr).not.toMatch(/kek-v1:[A-Za-z0-9+/]{43}=/);
        await insertProvider(t.db, null, 'the application wrote this');
        const refused = await cli(
          ['seed', '--database-url', t.url!, '--rows', '5', '--key-file', keyFile],
          {},
          undefined,
          dir,
        );
        expect(refused.exitCode).toBe(2);
        expect(refused.stderr).toContain('did not create; refusing');
        const forced = await cli(
          ['seed', '--database-url', t.url!, '--rows', '5', '--key-file', keyFile, '--force'],
          {},
          undefined,
          dir,
        );
        expect(forced.exitCode).toBe(0);
        const { rows } = await t.db.query<{ n: string }>('SELECT count(*)::text AS n FROM llm_providers');
        expect(Number(rows[0]!.n)).toBe(11);
      } finally {
        await t.drop();
      }
    },
    120_000,
  );

  it('on PGlite: refuses a table holding rows it did not create', async () => {
    const dir = emptyDir();
    const dbDir = join(dir, 'db');
    const db = await openPglite(dbDir);
    await createApplicationSchema(db);
    await insertProvider(db, null, 'not a fixture');
    await db.close();
    writeFileSync(join(dir, '.env'), 'DATABASE_URL=postgres://ignored@127.0.0.1:1/x\n');
    const r = await cli(['seed', '--pglite', dbDir, '--rows', '3'], {}, undefined, dir);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('1 row(s) that kek-rotate did not create');
    expect(r.stderr).toContain('--force');
  }, 240_000);
});
