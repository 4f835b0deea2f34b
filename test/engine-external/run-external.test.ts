// The application's own tool, run for real as a child process (a fake that prints the reference
// format): secrets only in its environment, counts and failures as events, non-zero exits with the
// tail of its output, and abort killing its whole process tree.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { runExternalReencrypt, type ExternalReencryptOptions } from '../../src/engine/external/run-external.js';
import { ExternalProcessError, UserError } from '../../src/errors.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const FAKE_TOOL = path.join(FIXTURES, 'fake-reencrypt-secrets');
const FAKE_DOCKER = path.join(FIXTURES, 'fake-reencrypt-secrets-docker');
const V1 = 'kek-v1:HAhrhTCnocp9REuv9bXWKTZ2r2DX+50UpNRYe08YJDU=';
const V2 = 'kek-v2:vXqnWWc9qRmCclrq8jHrvNvbviyB6S9TgF8vkxkkpL8=';
const DATABASE_URL = 'postgres://app:hunter2-db-password@127.0.0.1:5432/app';
const LABEL = 'llm_providers.api_key_encrypted';
const dir = mkdtempSync(path.join(tmpdir(), 'kek-ext-'));
let fileNo = 0;
const tempFile = (name: string) => path.join(dir, `${fileNo++}-${name}`);

const setVars: string[] = [];
function fake(vars: Record<string, string | number>): void {
  for (const [name, value] of Object.entries(vars)) {
    process.env[name] = String(value);
    setVars.push(name);
  }
}
afterEach(() => {
  for (const name of setVars.splice(0)) delete process.env[name];
});

function options(over: Partial<ExternalReencryptOptions> = {}): ExternalReencryptOptions & { events: EngineEvent[] } {
  const events: EngineEvent[] = [];
  return {
    kind: 'dry-run',
    batchSize: 50,
    engine: { type: 'command', command: FAKE_TOOL },
    env: { DATABASE_URL, SECRETS_ENCRYPTION_KEY: V2, SECRETS_ENCRYPTION_KEY_PREVIOUS: V1 },
    totalRows: 5,
    primaryKeyId: 'kek-v2',
    onEvent: (e) => events.push(e),
    events,
    ...over,
  };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function secretFree(text: string): void {
  for (const secret of [V1.slice(7), V2.slice(7), 'hunter2-db-password']) expect(text).not.toContain(secret);
}

describe('runExternalReencrypt with a local command', () => {
  it('runs a dry run with secrets only in its environment, and counts what it printed', async () => {
    const record = tempFile('record.json');
    fake({ FAKE_ROWS: 3, FAKE_ALREADY: 2, FAKE_RECORD: record });
    process.env.SECRETS_ENCRYPTION_KEY_PREVIOUS = 'kek-v0:stale-from-the-shell';
    setVars.push('SECRETS_ENCRYPTION_KEY_PREVIOUS');
    const o = options();
    const summary = await runExternalReencrypt(o);

    const seen = JSON.parse(readFileSync(record, 'utf8')) as {
      argv: string[];
      variables: string[];
      cwd: string;
      dotenvHere: boolean;
    };
    expect(seen.argv).toEqual(['--dry-run', '--batch-size', '50']);
    expect(seen.variables).toEqual(['DATABASE_URL', 'SECRETS_ENCRYPTION_KEY', 'SECRETS_ENCRYPTION_KEY_PREVIOUS']);
    expect(seen.dotenvHere).toBe(false);
    expect(existsSync(seen.cwd)).toBe(false); // its scratch directory is removed afterwards

    expect(summary).toMatchObject({
      kind: 'dry-run',
      mode: 'reencrypt',
      primaryKeyId: 'kek-v2',
      cancelled: false,
      failures: [],
    });
    expect(summary.tables).toEqual([
      expect.objectContaining({
        table: LABEL,
        total: 5,
        processed: 5,
        rotated: 3,
        alreadyPrimary: 2,
        byKeyId: { 'kek-v1': 3 },
      }),
    ]);
    expect(o.events[0]).toEqual({
      type: 'run-start',
      kind: 'dry-run',
      mode: 'reencrypt',
      primaryKeyId: 'kek-v2',
      keyIds: ['kek-v2', 'kek-v1'],
      tables: [{ table: LABEL, total: 5 }],
    });
    expect(o.events.map((e) => e.type)).toContain('table-start');
    expect(o.events.at(-1)).toEqual({ type: 'run-done', summary });
    expect(o.events.filter((e) => e.type === 'warning')).toEqual([]);
    secretFree(JSON.stringify(o.events));
  });

  it('does not pass a previous key that was not given, even if our own environment has one', async () => {
    const record = tempFile('record.json');
    fake({ FAKE_RECORD: record, SECRETS_ENCRYPTION_KEY_PREVIOUS: V1 });
    await runExternalReencrypt(options({ env: { DATABASE_URL, SECRETS_ENCRYPTION_KEY: V2 } }));
    expect((JSON.parse(readFileSync(record, 'utf8')) as { variables: string[] }).variables).toEqual([
      'DATABASE_URL',
      'SECRETS_ENCRYPTION_KEY',
    ]);
  });

  it.each([
    ['plain', '0'],
    ['ANSI colours', '1'],
  ])('reports failed rows of a live run that exits 0 (%s)', async (_what, color) => {
    fake({ FAKE_ROWS: 4, FAKE_ALREADY: 1, FAKE_FAILURES: 2, FAKE_UNREADABLE: 1, FAKE_COLOR: color });
    const o = options({ kind: 'live', totalRows: 8 });
    const summary = await runExternalReencrypt(o);
    expect(summary.tables[0]).toMatchObject({ processed: 8, rotated: 4, failed: 3, alreadyPrimary: 1 });
    expect(summary.failures.map((f) => [f.id.slice(-2), f.problem])).toEqual([
      ['06', 'unknown-key-id'],
      ['07', 'unknown-key-id'],
      ['08', 'not-json'],
    ]);
    expect(o.events.filter((e) => e.type === 'row-failed')).toHaveLength(3);
    expect(summary.failures[0]!.reason).not.toMatch(/\x1b/);
  });

  it('fails on a non-zero exit with the last 20 lines of output, keys and passwords removed', async () => {
    fake({ FAKE_ROWS: 30, FAKE_EXIT: 3, FAKE_ECHO_KEY: 1 });
    const error = await rejection(runExternalReencrypt(options({ kind: 'live', totalRows: 32 })));
    expect(error).toBeInstanceOf(ExternalProcessError);
    const failure = error as ExternalProcessError;
    expect(failure.exitCode).toBe(3);
    expect(failure.tail).toHaveLength(20);
    expect(failure.tail.at(-1)).toContain('connection reset by peer');
    expect(failure.message).toContain('exited with code 3');
    expect(failure.message).toContain('Error: Failed to update record');
    secretFree(failure.message + failure.tail.join('\n'));
  });

  it('scrubs a key the tool echoes before anything else', async () => {
    fake({ FAKE_ECHO_KEY: 1, FAKE_EXIT: 1, FAKE_ROWS: 0, FAKE_ALREADY: 0 });
    const failure = (await rejection(runExternalReencrypt(options()))) as ExternalProcessError;
    expect(failure.tail.join('\n')).toContain('kek-v2:<redacted>');
    secretFree(failure.tail.join('\n'));
  });

  it('fails when the tool cannot start, saying what to fix', async () => {
    const error = await rejection(
      runExternalReencrypt(options({ engine: { type: 'command', command: path.join(dir, 'no-such-tool') } })),
    );
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain('not found');
  });

  it('stops the tool at once when it would rotate onto another key', async () => {
    fake({ FAKE_PRIMARY: 'kek-v9', FAKE_ROWS: 50, FAKE_SLOW_MS: 100 });
    const started = Date.now();
    const error = await rejection(runExternalReencrypt(options({ kind: 'live', totalRows: 52 })));
    expect(error).toBeInstanceOf(ExternalProcessError);
    expect(error.message).toContain("the tool's primary key is kek-v9");
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('refuses to put a secret on the command line', async () => {
    const error = await rejection(
      runExternalReencrypt(options({ engine: { type: 'command', command: `${FAKE_TOOL} ${V2}` } })),
    );
    expect(error).toBeInstanceOf(UserError);
    secretFree(error.message);
  });
});

describe('abort', () => {
  it('kills the tool and everything it started, and reports a cancelled run, not a failure', async () => {
    const pids = tempFile('pids');
    fake({ FAKE_ROWS: 200, FAKE_SLOW_MS: 50, FAKE_PIDFILE: pids });
    const controller = new AbortController();
    const o = options({ kind: 'live', totalRows: 202, signal: controller.signal });
    o.onEvent = (e) => {
      o.events.push(e);
      if (e.type === 'progress' && e.counts.rotated >= 2) controller.abort();
    };
    const summary = await runExternalReencrypt(o);
    expect(summary.cancelled).toBe(true);
    expect(summary.tables[0]!.rotated).toBeGreaterThanOrEqual(2);
    expect(summary.tables[0]!.rotated).toBeLessThan(200);
    expect(o.events.at(-1)).toEqual({ type: 'run-done', summary });
    const [child, grandchild] = readFileSync(pids, 'utf8').split(' ').map(Number);
    await waitFor(() => !alive(child!) && !alive(grandchild!));
  });

  it('kills a tool that ignores SIGTERM after the grace period', async () => {
    const pids = tempFile('pids');
    fake({ FAKE_ROWS: 200, FAKE_SLOW_MS: 50, FAKE_PIDFILE: pids, FAKE_IGNORE_TERM: 1 });
    const controller = new AbortController();
    const o = options({ kind: 'live', totalRows: 202, signal: controller.signal, killGraceMs: 300 });
    o.onEvent = (e) => e.type === 'progress' && controller.abort(); // the tool is up and ignoring SIGTERM by now
    const started = Date.now();
    const summary = await runExternalReencrypt(o);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(summary.cancelled).toBe(true);
    const [child, grandchild] = readFileSync(pids, 'utf8').split(' ').map(Number);
    await waitFor(() => !alive(child!) && !alive(grandchild!));
  });

  it('does not start the tool when already aborted', async () => {
    const record = tempFile('record.json');
    fake({ FAKE_RECORD: record });
    const summary = await runExternalReencrypt(options({ signal: AbortSignal.abort() }));
    expect(summary.cancelled).toBe(true);
    expect(existsSync(record)).toBe(false);
  });
});

describe('runExternalReencrypt with the admin container', () => {
  it('calls docker run with variable names only and reads the wrapped output', async () => {
    const dockerLog = tempFile('docker.log');
    fake({ FAKE_DOCKER_LOG: dockerLog, FAKE_ROWS: 2, FAKE_ALREADY: 1 });
    const o = options({
      engine: { type: 'container', image: 'everruns-admin', dockerPath: FAKE_DOCKER },
      totalRows: 3,
    });
    const summary = await runExternalReencrypt(o);
    const [argv] = readFileSync(dockerLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string[]);
    expect(argv).toEqual([
      'run',
      '--rm',
      '--name',
      expect.stringMatching(/^kek-rotate-reencrypt-[0-9a-f]{8}$/),
      '-e',
      'DATABASE_URL',
      '-e',
      'SECRETS_ENCRYPTION_KEY',
      '-e',
      'SECRETS_ENCRYPTION_KEY_PREVIOUS',
      'everruns-admin',
      'reencrypt',
      '--dry-run',
      '--batch-size',
      '50',
    ]);
    expect(summary.tables[0]).toMatchObject({ processed: 3, rotated: 2, alreadyPrimary: 1 });
    expect(o.events.filter((e) => e.type === 'warning')).toEqual([]);
  });

  it('removes the container when aborted', async () => {
    const dockerLog = tempFile('docker.log');
    fake({ FAKE_DOCKER_LOG: dockerLog, FAKE_ROWS: 200, FAKE_SLOW_MS: 50 });
    const controller = new AbortController();
    const o = options({
      kind: 'live',
      engine: { type: 'container', image: 'everruns-admin', dockerPath: FAKE_DOCKER },
      signal: controller.signal,
      totalRows: 202,
    });
    o.onEvent = (e) => e.type === 'progress' && controller.abort();
    const summary = await runExternalReencrypt(o);
    expect(summary.cancelled).toBe(true);
    const calls = readFileSync(dockerLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string[]);
    expect(calls[1]).toEqual(['rm', '-f', calls[0]![3]]);
  });
});
