// Runs the real built binaries as subprocesses (or main() in-process, for parsing cases), with a
// controlled environment and a working directory holding no .env, and seeds databases for them (PostgreSQL schema or a PGlite directory).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/output.js';
import { encryptValue } from '../../src/crypto/envelope.js';
import { formatKey, type Kek } from '../../src/crypto/key.js';
import type { Db } from '../../src/db/db.js';
import { openPglite } from '../../src/db/pglite-adapter.js';
import { createApplicationSchema } from '../../src/sandbox/schema.js';
import { insertProvider, makeKek, tamper } from '../db/seed.js';

export const REPO = resolve(import.meta.dirname, '../..');
export const KEK_ROTATE = join(REPO, 'bin/kek-rotate');
export const REENCRYPT_SECRETS = join(REPO, 'bin/reencrypt-secrets');

/** A directory with nothing in it, so no stray .env is read. */
export function emptyDir(): string {
  return mkdtempSync(join(tmpdir(), 'kek-cli-'));
}

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function start(
  args: string[],
  env: Record<string, string | undefined> = {},
  bin = KEK_ROTATE,
  cwd = emptyDir(),
): ResultPromise<{ reject: false; stdin: 'ignore' }> {
  return execa(process.execPath, [bin, ...args], {
    cwd,
    reject: false,
    extendEnv: false,
    stdin: 'ignore',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
}

export async function cli(
  args: string[],
  env: Record<string, string | undefined> = {},
  bin = KEK_ROTATE,
  cwd?: string,
): Promise<CliResult> {
  const r = await start(args, env, bin, cwd);
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/**
 * `main(argv, io)` in this process, with the same controlled environment and empty working
 * directory as `cli`: for cases about parsing and messages, where a process per case costs a
 * second and proves nothing more. What only a process shows (exit status, signals, the launcher,
 * a missing build) stays with `cli`.
 */
export async function cliInProcess(
  args: string[],
  env: Record<string, string | undefined> = {},
  cwd = emptyDir(),
): Promise<CliResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CliIo = {
    stdout: { write: (text: string) => stdout.push(text), isTTY: false },
    stderr: { write: (text: string) => stderr.push(text), isTTY: false },
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    cwd,
  };
  const exitCode = await main(args, io);
  return { exitCode, stdout: stdout.join(''), stderr: stderr.join('') };
}

/**
 * The binary run as a shell runs it, through its `#!` line (bin/ starts Node with `--` before the
 * script), rather than as `node bin/kek-rotate`: that is how Node's own option parsing is tested.
 * `node` is the one running the tests.
 */
export async function cliDirect(
  args: string[],
  env: Record<string, string | undefined> = {},
  bin = KEK_ROTATE,
  cwd = emptyDir(),
): Promise<CliResult> {
  const r = await execa(bin, args, {
    cwd,
    reject: false,
    extendEnv: false,
    stdin: 'ignore',
    env: { PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`, HOME: process.env.HOME, ...env },
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Log lines start with an RFC 3339 time; drop it to compare two runs. */
export function withoutTimes(text: string): string {
  return text.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z /gm, '');
}

export interface Seeded {
  v1: Kek;
  v2: Kek;
  /** Environment a mid-rotation run needs: v2 primary, v1 previous. */
  keysEnv: Record<string, string>;
  onV1: string[];
  nullIds: string[];
  tamperedId: string | undefined;
}

export interface SeedOptions {
  rows: number;
  nulls?: number;
  tampered?: boolean;
  /** Rows already on kek-v2. */
  onV2?: number;
}

export async function seed(db: Db, options: SeedOptions): Promise<Seeded> {
  await createApplicationSchema(db);
  const v1 = makeKek('kek-v1');
  const v2 = makeKek('kek-v2');
  const onV1: string[] = [];
  for (let i = 0; i < options.rows; i++) onV1.push(await insertProvider(db, encryptValue(v1, `sk-test-${i}`), `p${i}`));
  for (let i = 0; i < (options.onV2 ?? 0); i++) await insertProvider(db, encryptValue(v2, `sk-new-${i}`), `n${i}`);
  const nullIds: string[] = [];
  for (let i = 0; i < (options.nulls ?? 0); i++) nullIds.push(await insertProvider(db, null, `null${i}`));
  const tamperedId = options.tampered
    ? await insertProvider(db, tamper(encryptValue(v1, 'sk-tampered')), 'tampered')
    : undefined;
  return {
    v1,
    v2,
    keysEnv: { SECRETS_ENCRYPTION_KEY: formatKey(v2), SECRETS_ENCRYPTION_KEY_PREVIOUS: formatKey(v1) },
    onV1,
    nullIds,
    tamperedId,
  };
}

/** A PGlite directory seeded like `seed`, closed so a subprocess can open it. */
export async function seededPgliteDir(options: SeedOptions): Promise<{ dir: string; seeded: Seeded }> {
  const dir = join(emptyDir(), 'db');
  const db = await openPglite(dir);
  const seeded = await seed(db, options);
  await db.close();
  return { dir, seeded };
}

/** Key ids on the rows, counted: the ground truth a test checks the CLI's claims against. */
export async function keyIdCounts(db: Db): Promise<Record<string, number>> {
  const { rows } = await db.query<{ key_id: string | null; n: string }>(
    `SELECT CASE WHEN api_key_encrypted IS NULL THEN 'NULL' ELSE convert_from(api_key_encrypted, 'UTF8')::jsonb->>'key_id' END AS key_id,
            count(*)::text AS n FROM llm_providers GROUP BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.key_id ?? '?', Number(r.n)]));
}
