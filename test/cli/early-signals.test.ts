// Signals from the first instant, through the real binary: SIGTERM or SIGINT sent while the CLI is
// still loading stops the run like a later signal would — "stopped:", exit 130, nothing done —
// instead of killing the process with the default action (exit 143 for SIGTERM, no message).
//
// The loading takes a few hundred milliseconds and the instant it ends varies with the machine's
// load, so the tests make it long and observable: hold-cli-load.mjs (preloaded with --import)
// holds the import of the built CLI and says so on stderr, at which point the launcher is running
// and the CLI is not loaded. Only Node's own start-up, before any JavaScript runs, is out of reach.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { emptyDir, KEK_ROTATE, seededPgliteDir, type Seeded } from './cli-harness.js';

const HOOK = pathToFileURL(join(import.meta.dirname, 'hold-cli-load.mjs')).href;
const HOLDING = 'test-hook: holding the CLI';

let dir = '';
let seeded: Seeded;

beforeAll(async () => {
  ({ dir, seeded } = await seededPgliteDir({ rows: 5 }));
}, 120_000);

/**
 * A dry run on the embedded database whose CLI takes `holdMs` to load; `signals` are sent once the
 * launcher waits for it, `gapMs` apart. Also returns how long after the spawn the first one went.
 */
async function interruptedWhileLoading(signals: NodeJS.Signals[], { holdMs = 3000, gapMs = 30 } = {}) {
  const began = performance.now();
  const child = execa(process.execPath, [`--import=${HOOK}`, KEK_ROTATE, 'reencrypt', '--dry-run', '--pglite', dir], {
    cwd: emptyDir(),
    reject: false,
    extendEnv: false,
    stdin: 'ignore',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, KEK_TEST_HOLD_MS: String(holdMs), ...seeded.keysEnv },
  });
  let stderr = '';
  let sentAt = -1;
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (sentAt >= 0 || !stderr.includes(HOLDING)) return;
    sentAt = performance.now() - began;
    signals.forEach((signal, i) => setTimeout(() => child.kill(signal), i * gapMs));
  });
  const r = await child;
  return {
    exitCode: r.exitCode,
    signal: r.signal,
    stdout: String(r.stdout),
    stderr: String(r.stderr),
    sentAt,
    tookMs: performance.now() - began,
  };
}

describe('a signal while the CLI is still loading', () => {
  it('SIGTERM, again and again: exit 130, "stopped:", nothing done (the default action would exit 143)', async () => {
    for (let round = 0; round < 4; round++) {
      const r = await interruptedWhileLoading(['SIGTERM'], { holdMs: 1500 });
      expect(r.sentAt, r.stderr).toBeGreaterThan(0);
      expect({ round, exit: r.exitCode, signal: r.signal }, r.stderr).toEqual({ round, exit: 130, signal: undefined });
      expect(r.stderr).toContain('stopped: Cancelled by SIGTERM before the command started; nothing was done');
      expect(r.stderr).toContain('hint: run the same command again to finish the job.');
      // The command never started: no key ring logged, no database opened, nothing on stdout.
      expect(r.stderr).not.toContain('Encryption service initialized');
      expect(r.stderr).not.toContain('Connected to database');
      expect(r.stdout).toBe('');
    }
  }, 120_000);

  it('SIGINT likewise', async () => {
    const r = await interruptedWhileLoading(['SIGINT'], { holdMs: 1500 });
    expect(r.exitCode).toBe(130);
    expect(r.stderr).toContain('stopped: Cancelled by SIGINT before the command started; nothing was done');
    expect(r.stdout).toBe('');
  }, 60_000);

  it('a second signal before the CLI is loaded stops it at once, exit 130', async () => {
    const r = await interruptedWhileLoading(['SIGTERM', 'SIGTERM'], { holdMs: 20_000 });
    expect(r.exitCode).toBe(130);
    expect(r.signal).toBeUndefined();
    expect(r.stderr).toContain('stopped: cancelled by SIGTERM before the command started; nothing was done.');
    expect(r.stdout).toBe('');
    // At once: long before the CLI would have finished loading.
    expect(r.tookMs).toBeLessThan(15_000);
  }, 60_000);
});
