// --env-file through the real binary, run as a shell runs it: naming a missing file or a directory
// is the tool's own usage error (exit 2, what is wrong and what to do), not Node's. Node 20 reads
// `--env-file PATH` anywhere on its command line, even after the script, and exited 9 with
// `node: PATH: not found` before any of our code ran; bin/ now starts Node with `--` first.
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliDirect, emptyDir, KEK_ROTATE, REENCRYPT_SECRETS } from './cli-harness.js';

describe('--env-file that cannot be read: the tool says so, exit 2 (Node 20 itself would exit 9)', () => {
  it('a missing file, as --env-file PATH and --env-file=PATH, from both launchers', async () => {
    const missing = join(emptyDir(), 'nope.env');
    for (const [args, bin] of [
      [['verify', '--env-file', missing], undefined],
      [['verify', `--env-file=${missing}`], undefined],
      [['--env-file', missing], REENCRYPT_SECRETS],
    ] as const) {
      const r = await cliDirect([...args], {}, bin);
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr).toContain(`error: env file ${missing} does not exist`);
      expect(r.stderr).toContain('hint: Check the path given with --env-file');
      expect(r.stderr).not.toContain('node:');
    }
  });

  it('a directory: named as one, with the file to give instead', async () => {
    const dir = emptyDir();
    const r = await cliDirect(['reencrypt', '--dry-run', `--env-file=${dir}`]);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toContain(`error: env file ${dir} is a directory, not a file`);
    expect(r.stderr).toContain(`hint: Give the file itself, e.g. --env-file ${join(dir, '.env')}`);
  });
});

describe('the binary through its #! line', () => {
  it('through a symlink, as npm installs it on PATH, from another directory: the same clear error', async () => {
    const dir = join(emptyDir(), 'bin');
    mkdirSync(dir);
    symlinkSync(KEK_ROTATE, join(dir, 'kek-rotate'));
    const r = await cliDirect(['verify', '--env-file', 'missing.env'], {}, join(dir, 'kek-rotate'), emptyDir());
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/error: env file \/.*\/missing\.env does not exist/);
  });
});
