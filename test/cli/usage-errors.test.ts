// No database: usage errors exit 2 and name what is wrong, help and version exit 0 (main() in
// this process), and the real binary exits with the same codes and says how to fix a missing build.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliInProcess, emptyDir, REPO } from './cli-harness.js';

describe('kek-rotate usage errors', () => {
  it('an unknown flag exits 2, names the flag and points at --help', async () => {
    const r = await cliInProcess(['reencrypt', '--frobnicate']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('error: unknown option --frobnicate');
    expect(r.stderr).toContain('hint: Run `kek-rotate reencrypt --help`');
    expect(r.stdout).toBe('');
  });

  it.each([['0'], ['-5'], ['ten'], ['1.5']])('--batch-size %s is refused with exit 2', async (value) => {
    const r = await cliInProcess(['reencrypt', `--batch-size=${value}`], {
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x',
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--batch-size must be a whole number of at least 1/);
  });

  it('--batch-size above 10000 is refused with the maximum in the message, in reencrypt and the runbook', async () => {
    for (const args of [
      ['reencrypt', '--batch-size', '10001'],
      ['reencrypt', '-b', '1000000', '--dry-run'],
      ['--batch-size=50000'],
    ]) {
      const r = await cliInProcess(args, { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x' });
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/error: --batch-size must be at most 10000, got \d+/);
      expect(r.stderr).toContain('hint: ');
    }
    const atMost = await cliInProcess(['reencrypt', '-b', '10000'], {
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x',
    });
    expect(atMost.stderr).not.toContain('--batch-size');
    for (const args of [['reencrypt', '--help'], ['--help']]) {
      expect((await cliInProcess(args)).stdout).toContain('Rows per batch (default 100, at most 10000)');
    }
  });

  it('a flag missing its value exits 2', async () => {
    const r = await cliInProcess(['reencrypt', '-b']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/error: .*batch-size/);
  });

  it('--mode accepts only reencrypt and rewrap', async () => {
    const r = await cliInProcess(['reencrypt', '--mode', 'shuffle'], {
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x',
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--mode must be one of reencrypt, rewrap');
  });

  it('an unknown command exits 2', async () => {
    const r = await cliInProcess(['rotate-everything']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('unknown command "rotate-everything"');
  });

  it('reencrypt without DATABASE_URL says so, exit 2', async () => {
    const r = await cliInProcess(['reencrypt']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('error: DATABASE_URL not set');
    expect(r.stderr).toContain('hint: ');
  });

  it('a database that cannot be reached exits 3, with the password masked', async () => {
    const r = await cliInProcess(['verify', '--database-url', 'postgres://admin:hunter2secret@127.0.0.1:1/app']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('admin:****@127.0.0.1:1');
    expect(r.stdout + r.stderr).not.toContain('hunter2secret');
  });

  it('--help, help <command> and --version exit 0 on stdout', async () => {
    const help = await cliInProcess(['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Usage: kek-rotate <command> [options]');
    // With no command the runbook starts; without a terminal it refuses and points at --help.
    const none = await cliInProcess([]);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain('kek-rotate --help');
    const a = await cliInProcess(['reencrypt', '--help']);
    const b = await cliInProcess(['help', 'reencrypt']);
    expect(a.exitCode).toBe(0);
    expect(a.stdout).toContain('-b, --batch-size N');
    expect(b.stdout).toBe(a.stdout);
    const version = await cliInProcess(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('the real binary exits with the same codes: 2 for a usage error, 0 for help', async () => {
    const bad = await cli(['reencrypt', '--frobnicate']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('error: unknown option --frobnicate');
    const help = await cli(['reencrypt', '--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toBe((await cliInProcess(['reencrypt', '--help'])).stdout.trimEnd());
  });

  it('an unbuilt install exits 70 and says to run npm install', async () => {
    const dir = emptyDir();
    mkdirSync(join(dir, 'bin'));
    copyFileSync(join(REPO, 'bin/kek-rotate'), join(dir, 'bin/kek-rotate'));
    copyFileSync(join(REPO, 'bin/launch.js'), join(dir, 'bin/launch.js'));
    const r = await cli(['--help'], {}, join(dir, 'bin/kek-rotate'));
    expect(r.exitCode).toBe(70);
    expect(r.stderr).toContain('npm install');
  });
});
