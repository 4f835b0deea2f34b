// Signals from the first instant, through the real binary: SIGTERM or SIGINT sent while the CLI is
// still loading (the first few hundred milliseconds) stops the run like a later signal would —
// "stopped:", exit 130, nothing done — instead of killing the process with the default action
// (exit 143 for SIGTERM). Only Node's own start-up, before any JavaScript runs, is out of reach.
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { emptyDir, seededPgliteDir, start, type Seeded } from './cli-harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long this machine takes to start Node and run a line of JavaScript, now (median of three). */
async function nodeStartMs(): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await execa(process.execPath, ['-e', '0']);
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[1]!;
}

let dir = '';
let seeded: Seeded;
let boot = 0;

beforeAll(async () => {
  ({ dir, seeded } = await seededPgliteDir({ rows: 5 }));
  boot = await nodeStartMs();
}, 120_000);

/** A dry run on the embedded database, sent `signals` at `atMs` after the spawn. */
async function interrupted(atMs: number[], signals: NodeJS.Signals[]) {
  const child = start(['reencrypt', '--dry-run', '--pglite', dir], seeded.keysEnv, undefined, emptyDir());
  const began = performance.now();
  for (const [i, at] of atMs.entries()) {
    await sleep(Math.max(0, at - (performance.now() - began)));
    child.kill(signals[i] ?? signals[0]);
  }
  const r = await child;
  return { exitCode: r.exitCode, signal: r.signal, stdout: String(r.stdout), stderr: String(r.stderr) };
}

describe('a signal while the CLI is still loading', () => {
  it('SIGTERM, again and again at different instants: exit 130 with "stopped:", never 143', async () => {
    // From just after Node's own start-up (the launcher's first line runs then) to well into the
    // loading of the CLI's modules, where today's handler did not exist yet.
    const offsets = [30, 60, 90, 120, 150, 30, 60, 90];
    for (const offset of offsets) {
      const r = await interrupted([boot + offset], ['SIGTERM']);
      expect({ at: Math.round(boot + offset), exit: r.exitCode, signal: r.signal }).toEqual({ at: Math.round(boot + offset), exit: 130, signal: undefined });
      expect(r.stderr).toMatch(/^stopped: /m); // before the command started, or after it had begun
      expect(r.stderr).toContain('hint: run the same command again to finish the job.');
    }
  }, 120_000);

  it('one caught before the command starts: nothing is done at all', async () => {
    const r = await interrupted([boot + 40], ['SIGTERM']);
    expect(r.exitCode).toBe(130);
    expect(r.stderr).toContain('stopped: Cancelled by SIGTERM before the command started; nothing was done');
    expect(r.stderr).not.toContain('Connected to database');
    expect(r.stdout).toBe('');
  }, 60_000);

  it('SIGINT likewise, and a second signal before the CLI is loaded stops it at once', async () => {
    const int = await interrupted([boot + 40], ['SIGINT']);
    expect(int.exitCode).toBe(130);
    expect(int.stderr).toContain('stopped: Cancelled by SIGINT before the command started');

    const twice = await interrupted([boot + 30, boot + 45], ['SIGTERM', 'SIGTERM']);
    expect(twice.exitCode).toBe(130);
    expect(twice.signal).toBeUndefined();
    expect(twice.stderr).toMatch(/stopped: cancelled by SIGTERM before the command started; nothing was done/i);
    expect(twice.stdout).toBe('');
  }, 60_000);
});
