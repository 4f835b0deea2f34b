// The real binary refuses or flags every way a run could leave rows behind while saying it is done:
// an id column that does not identify a row, the old key's bytes under the new id, a row labelled
// with the primary id that the primary key does not open, and a writer still on the old key.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encryptValue } from '../../src/crypto/envelope.js';
import { formatKey } from '../../src/crypto/key.js';
import { freshPg, SKIP_PG_REASON, TEST_DATABASE_URL, type TestDatabase } from '../helpers/test-db.js';
import { makeKek } from '../db/seed.js';
import { cli, emptyDir, keyIdCounts, seed, start } from './cli-harness.js';

if (!TEST_DATABASE_URL) console.log(SKIP_PG_REASON);

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1);

describe.skipIf(!TEST_DATABASE_URL)('nothing is left behind with exit 0 (real binary, PostgreSQL)', () => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.drop();
    t = undefined;
  });
  const open = async () => (t = await freshPg('behind'));

  it('a registry id column with repeats: refused with exit 2 before anything is written', async () => {
    const { db, url } = await open();
    const s = await seed(db, { rows: 3 });
    await db.query('CREATE TABLE shared_ids (id int, token_encrypted bytea)');
    await db.query('INSERT INTO shared_ids SELECT i / 3, $1 FROM generate_series(0, 29) AS i', [
      encryptValue(s.v1, 'x'),
    ]);
    const dir = emptyDir();
    const config = join(dir, 'registry.json');
    writeFileSync(
      config,
      JSON.stringify({ columns: [{ table: 'shared_ids', column: 'token_encrypted', idColumn: 'id' }] }),
    );
    for (const args of [['reencrypt'], ['reencrypt', '--dry-run'], ['verify']]) {
      const r = await cli([...args, '--config', config], { DATABASE_URL: url, ...s.keysEnv }, undefined, dir);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('id column id of');
      expect(r.stderr).toContain(
        'does not identify one row: no primary key or unique index on it alone, and it allows NULL',
      );
    }
    const { rows } = await db.query<{ n: string }>(
      "SELECT count(*)::text AS n FROM shared_ids WHERE position('kek-v1'::bytea IN token_encrypted) > 0",
    );
    expect(rows[0]!.n).toBe('30');
  });

  it('the old key bytes under the new id: refused with exit 2, naming the variables, nothing written', async () => {
    const { db, url } = await open();
    const s = await seed(db, { rows: 5 });
    const forged = `kek-v2:${s.v1.bytes.toString('base64')}`;
    const r = await cli(['reencrypt'], {
      DATABASE_URL: url,
      SECRETS_ENCRYPTION_KEY: forged,
      SECRETS_ENCRYPTION_KEY_PREVIOUS: formatKey(s.v1),
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(
      'SECRETS_ENCRYPTION_KEY (kek-v2) and SECRETS_ENCRYPTION_KEY_PREVIOUS (kek-v1) hold the same key bytes under different ids',
    );
    expect(r.stdout + r.stderr).not.toContain(s.v1.bytes.toString('base64'));
    expect(await keyIdCounts(db)).toEqual({ 'kek-v1': 5 });
  });

  it('a row labelled kek-v2 that kek-v2 does not open: a failure in the dry run, the live run and plain verify', async () => {
    const { db, url } = await open();
    const s = await seed(db, { rows: 4, onV2: 2 });
    const impostor = makeKek('kek-v2');
    const { rows } = await db.query<{ id: string }>(
      "INSERT INTO llm_providers (name, provider_type, api_key_encrypted) VALUES ('forged', 'openai', $1) RETURNING id::text AS id",
      [encryptValue(impostor, 'forged')],
    );
    const forgedId = rows[0]!.id;
    const env = { DATABASE_URL: url, ...s.keysEnv };
    const dry = await cli(['reencrypt', '--dry-run'], env);
    expect(dry.exitCode).toBe(1);
    expect(dry.stdout).toContain(`id=${forgedId}`);
    expect(dry.stdout).toMatch(/already on kek-v2 +2/);
    const live = await cli(['reencrypt'], env);
    expect(live.exitCode).toBe(1);
    expect(live.stdout).toContain(`id=${forgedId}`);
    expect(live.stderr).toContain('error: 1 row(s) were not re-encrypted or do not decrypt');
    const verify = await cli(['verify'], env);
    expect(verify.exitCode).toBe(1);
    expect(verify.stdout).toContain(
      `llm_providers.api_key_encrypted: 1 of 7 values labelled with the primary kek-v2 does not decrypt with it: written under another key of that id, or damaged (first: id ${forgedId}:`,
    );
    expect(verify.stdout).toContain('7 values on the primary checked: 6 decrypt with it, 1 does not');
  });

  it('a writer still on the old key during the run: the recount finds its rows, names the cause, exit 1', async () => {
    const { db, url } = await open();
    const s = await seed(db, { rows: 300 });
    const first = [...s.onV1].sort()[0]!;
    const run = start(['reencrypt', '-b', '20', '--max-rate', '200'], { DATABASE_URL: url, ...s.keysEnv });
    // A replica that never got the new key keeps re-saving the first provider under kek-v1.
    let writing = true;
    const writer = (async () => {
      const other = await t!.connect();
      try {
        while (writing) {
          await other.query('UPDATE llm_providers SET api_key_encrypted = $1 WHERE id = $2::uuid', [
            encryptValue(s.v1, 'resaved'),
            first,
          ]);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      } finally {
        await other.close();
      }
    })();
    const r = await run;
    writing = false;
    await writer;
    expect(r.exitCode).toBe(1);
    expect(lastLine(String(r.stdout))).toBe('Re-encrypted 300 of 300 records');
    expect(String(r.stderr)).toMatch(
      /llm_providers\.api_key_encrypted: 1 row is not on kek-v2 at the end of the run \(kek-v1: 1\): 1 were written under an old key during the run/,
    );
    expect(String(r.stderr)).toContain('error: 1 row(s) are not on kek-v2 at the end of the run');
    expect(String(r.stderr)).toContain(
      'check that every replica of the application runs with kek-v2 as its primary key',
    );
    expect(await keyIdCounts(db)).toEqual({ 'kek-v1': 1, 'kek-v2': 299 });
  });
});

describe.skipIf(!TEST_DATABASE_URL)('a wrong key under the right id (real binary, PostgreSQL)', () => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.drop();
    t = undefined;
  });

  it('reencrypt (live and dry run) and verify --deep exit 2 before writing, naming the variable and the id', async () => {
    t = await freshPg('wrongkey');
    const s = await seed(t.db, { rows: 6, onV2: 40 });
    // The rows on kek-v2 were written with s.v2; the operator has another key under the same id.
    const wrong = makeKek('kek-v2');
    const env = {
      DATABASE_URL: t.url,
      SECRETS_ENCRYPTION_KEY: formatKey(wrong),
      SECRETS_ENCRYPTION_KEY_PREVIOUS: formatKey(s.v1),
    };
    const before = await keyIdCounts(t.db);
    for (const args of [['reencrypt'], ['reencrypt', '--dry-run'], ['verify', '--deep'], ['generate-key']]) {
      const r = await cli(args, env);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(
        'SECRETS_ENCRYPTION_KEY (kek-v2) decrypts none of the 40 rows labelled kek-v2 that were tried: this is not the key these rows were written with. Nothing was written',
      );
      expect(r.stderr).toContain('hint: Set SECRETS_ENCRYPTION_KEY to the key the application uses for kek-v2');
      expect(r.stdout + r.stderr).not.toContain(wrong.bytes.toString('base64'));
      expect(r.stdout).not.toMatch(/kek-v3:/);
    }
    expect(await keyIdCounts(t.db)).toEqual(before);
    // The right keys pass the same check.
    const right = await cli(['reencrypt', '--dry-run'], { DATABASE_URL: t.url, ...s.keysEnv });
    expect(right.exitCode).toBe(0);
  });
});
