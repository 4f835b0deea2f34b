// `rehearse --data DIR` through the real binary: a directory that is not empty (such as one a
// previous rehearsal kept) or not a directory is refused up front, saying what to do; a new or
// empty one passes the check (and the run then stops at the terminal check, as these tests have none).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, emptyDir } from './cli-harness.js';

const NO_TTY = 'needs an interactive terminal';

describe('kek-rotate rehearse --data DIR', () => {
  it('refuses a directory that is not empty: exit 2, says why and how to go on', async () => {
    const dir = join(emptyDir(), 'kept rehearsal');
    mkdirSync(dir);
    writeFileSync(join(dir, 'PG_VERSION'), '17\n');
    const r = await cli(['rehearse', '--data', dir]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`error: --data ${dir}: the directory is not empty`);
    expect(r.stderr).toContain('needs a new or empty directory');
    expect(r.stderr).toContain('kept for inspection, not reused');
    expect(r.stderr).toContain(`hint: Give --data another path, or delete this directory first: rm -r '${dir}'`);
    expect(r.stderr).not.toContain(NO_TTY);
  });

  it('refuses a file', async () => {
    const file = join(emptyDir(), 'notes.txt');
    writeFileSync(file, 'x');
    const r = await cli(['rehearse', '--data', file]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`--data ${file}: not a directory`);
  });

  it.each([
    ['a path that does not exist yet', (base: string) => join(base, 'new')],
    ['an empty directory', (base: string) => base],
  ])('accepts %s', async (_label, pick) => {
    const r = await cli(['rehearse', '--data', pick(emptyDir())]);
    expect(r.stderr).not.toContain('--data');
    expect(r.stderr).toContain(NO_TTY);
  });

  it('the help says the directory is kept and must be new or empty', async () => {
    const r = await cli(['rehearse', '--help']);
    expect(r.stdout).toContain('--data DIR        Create the embedded database in DIR, new or empty');
    expect(r.stdout).toContain('one in --data DIR is kept for inspection');
  });
});
