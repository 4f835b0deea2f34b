// The deploy snippets through the real binary in a real terminal (tmux), at 80x24 and at 200x50:
// the lines are taken from the screen as an operator selects them (tmux joins the rows the terminal
// wrapped, as a selection does) and used as they would be: the shell lines run in bash, the .env
// lines read as an env file, the Kubernetes lines parsed as YAML, the docker lines run against a
// stand-in docker. c is checked through tmux's own clipboard buffer (set-clipboard on, a private
// tmux server), w through the file it writes. The keys come from the files the tools wrote; they
// are compared, never printed (a screen shown on failure has them replaced).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseEnvText } from '../../src/config/env-file.js';
import { parseKey } from '../../src/crypto/key.js';
import {
  renderSnippet,
  snippetFileName,
  SNIPPET_LABELS,
  type KeyConfig,
  type SnippetFormat,
} from '../../src/deploy/index.js';
import { hasTmux } from './tmux-terminal.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/kek-rotate');
// dist/ is built by the global setup (test/setup/build-fresh.ts): its absence fails, never skips.
if (!existsSync(join(root, 'dist/src/cli/main.js')))
  throw new Error('dist/src/cli/main.js is missing after the global setup built dist/');
const skipReason = !hasTmux ? 'tmux is not installed (apt-get install tmux; .ci/run installs it)' : '';
if (skipReason) console.log(`deploy-snippets e2e skipped: ${skipReason}`);
const hasPythonYaml = spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' }).status === 0;

const STEP = 45_000;
const START = 60_000;
const KEY_ANYWHERE = /[A-Za-z0-9+/]{43}=/;
const redact = (text: string) => text.replace(/[A-Za-z0-9+/]{43}=/g, '<32 bytes>');
const flat = (s: string) => s.replace(/\s+/g, ' ');

/** A tmux server of its own (its clipboard setting and buffers are nobody else's), one session. */
interface Pane {
  /** The visible screen; `joined` joins the rows the terminal wrapped, as a selection does. */
  screen(joined?: boolean): string;
  send(...keys: string[]): void;
  waitFor(test: string | ((screen: string) => boolean), what?: string): Promise<string>;
  /** tmux's newest paste buffer: what OSC 52 put on the clipboard. */
  clipboard(): string | undefined;
  kill(): void;
}

function openPane(
  command: string,
  { columns, rows, cwd, env }: { columns: number; rows: number; cwd: string; env: Record<string, string> },
): Pane {
  const socket = `kek-snippets-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const exports = Object.entries(env)
    .map(([k, v]) => `${k}='${v.replaceAll("'", `'\\''`)}'`)
    .join(' ');
  tmux(
    'new-session',
    '-d',
    '-s',
    'snippets',
    '-x',
    String(columns),
    '-y',
    String(rows),
    '-c',
    cwd,
    `${exports} ${command}; echo "EXIT=$?"; sleep 600`,
  );
  // Applications may set the clipboard (tmux makes a paste buffer of it): what `c` needs.
  tmux('set-option', '-s', 'set-clipboard', 'on');
  // kill-server leaves the socket file behind; it is removed with the server.
  const socketPath = tmux('display-message', '-p', '#{socket_path}').trim();
  const screen = (joined = false) => tmux('capture-pane', '-p', ...(joined ? ['-J'] : []), '-t', 'snippets');
  return {
    screen,
    send: (...keys) => void tmux('send-keys', '-t', 'snippets', ...keys),
    async waitFor(test, what = typeof test === 'string' ? JSON.stringify(test) : 'the screen') {
      const matches = typeof test === 'string' ? (s: string) => flat(s).includes(flat(test)) : test;
      for (const start = Date.now(); ;) {
        const current = screen(true);
        if (matches(current)) return current;
        if (Date.now() - start > STEP) throw new Error(`timed out waiting for ${what}; screen:\n${redact(screen())}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    clipboard() {
      const out = spawnSync('tmux', ['-L', socket, 'show-buffer'], { encoding: 'utf8' });
      return out.status === 0 ? out.stdout : undefined;
    },
    kill: () => {
      spawnSync('tmux', ['-L', socket, 'kill-server']);
      rmSync(socketPath, { force: true });
    },
  };
}

const FORMATS: readonly SnippetFormat[] = ['dotenv', 'shell', 'kubernetes', 'docker'];
const rawHeader = (format: SnippetFormat) => `${SNIPPET_LABELS[format]} snippet, raw (`;

/** The rows of the raw view between its header and its footer: what the operator selects. */
function rawSelection(screen: string, format: SnippetFormat): string[] {
  const rows = screen.split('\n');
  const top = rows.findIndex((row) => row.startsWith(rawHeader(format)));
  const bottom = rows.findIndex((row, i) => i > top && /^lines \d+–\d+ of \d+ /.test(row));
  if (top < 0 || bottom < 0) throw new Error(`no raw view of ${format} on screen:\n${redact(screen)}`);
  expect(rows[bottom], 'the whole snippet is on screen at once').toMatch(/^lines 1–(\d+) of \1 /);
  return rows.slice(top + 1, bottom);
}

/** The preview's rows on the deploy screen, under the tabs, down to the first row that is not the snippet. */
function previewSelection(screen: string): string[] {
  const rows = screen.split('\n');
  const tabs = rows.findIndex(
    (row) => row.includes('.env') && row.includes('docker run') && row.includes('Kubernetes Secret'),
  );
  const end = rows.findIndex(
    (row, i) => i > tabs && (row === '' || row.startsWith('↕') || row.startsWith('Copied') || row.startsWith('Wrote')),
  );
  return rows.slice(tabs + 1, end);
}

// ---- Using the selected lines as an operator would -------------------------------------------

interface Expected {
  readonly primary: string;
  readonly previous: string;
}

/** Runs the lines in bash; the variables a child process then sees (exported), by name. */
function exportedBy(lines: string[]): Record<string, string> {
  const run = spawnSync('bash', ['--noprofile', '--norc', '-c', `${lines.join('\n')}\nexec env -0`], {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '' },
  });
  expect(run.status, 'bash ran the lines').toBe(0);
  expect(run.stderr === '', 'bash printed no error').toBe(true);
  return Object.fromEntries(
    run.stdout
      .split('\0')
      .filter((entry) => entry.includes('='))
      .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
}

/** `docker run --env-file` reads NAME=value literally (no quotes removed): every value line must say exactly the key. */
function dockerEnvFile(lines: string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of lines) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const match = /^([A-Z_]+)=(\S+)$/.exec(line);
    expect(match !== null, 'a NAME=value line').toBe(true);
    values[match![1]!] = match![2]!;
  }
  return values;
}

/** YAML for the Secret's fixed shape (top-level keys, one nested map, plain or single-quoted scalars) when PyYAML is missing. */
function smallYaml(text: string): unknown {
  const result: Record<string, unknown> = {};
  let nested: Record<string, string> | undefined;
  const scalar = (raw: string) => (/^'.*'$/.test(raw) ? raw.slice(1, -1).replaceAll("''", "'") : raw);
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const top = /^([A-Za-z]+):(?: (.+))?$/.exec(line);
    const inner = /^ {2}([A-Za-z_]+): (.+)$/.exec(line);
    if (top) {
      nested = top[2] === undefined ? {} : undefined;
      result[top[1]!] = nested ?? scalar(top[2]!);
    } else if (inner && nested) {
      nested[inner[1]!] = scalar(inner[2]!);
    } else {
      throw new Error('a line that is not part of the Secret');
    }
  }
  return result;
}

function yaml(text: string): unknown {
  if (!hasPythonYaml) return smallYaml(text);
  const out = execFileSync(
    'python3',
    ['-c', 'import sys, yaml, json; print(json.dumps(yaml.safe_load(sys.stdin.read())))'],
    { input: text, encoding: 'utf8' },
  );
  return JSON.parse(out);
}

/** Runs the lines in bash with `docker` standing in as a function: each call's arguments, one list per call. */
function dockerCalls(lines: string[]): string[][] {
  const script = `docker() { printf '%s\\0' "$@"; printf '\\n'; }\n${lines.join('\n')}`;
  const run = spawnSync('bash', ['--noprofile', '--norc', '-c', script], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\0').slice(0, -1));
}

/** Checks the selected lines of a format do what the snippet says, with exactly these keys. */
function checkSelection(format: SnippetFormat, lines: string[], keys: Expected): void {
  const both = { SECRETS_ENCRYPTION_KEY: keys.primary, SECRETS_ENCRYPTION_KEY_PREVIOUS: keys.previous };
  switch (format) {
    case 'shell': {
      const env = exportedBy(lines);
      expect(env['SECRETS_ENCRYPTION_KEY'] === keys.primary, 'SECRETS_ENCRYPTION_KEY exported with the new key').toBe(
        true,
      );
      expect(
        env['SECRETS_ENCRYPTION_KEY_PREVIOUS'] === keys.previous,
        'SECRETS_ENCRYPTION_KEY_PREVIOUS exported with the old key',
      ).toBe(true);
      return;
    }
    case 'dotenv':
      expect(
        isDeepStrictEqual(parseEnvText(lines.join('\n'), 'the selected .env lines'), both),
        'the .env lines read as exactly both keys',
      ).toBe(true);
      expect(isDeepStrictEqual(dockerEnvFile(lines), both), 'docker --env-file reads exactly both keys').toBe(true);
      return;
    case 'kubernetes': {
      const secret = yaml(lines.join('\n'));
      const expected = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'everruns-encryption-keys' },
        type: 'Opaque',
        stringData: both,
      };
      expect(isDeepStrictEqual(secret, expected), 'the YAML is exactly the Secret with both keys').toBe(true);
      return;
    }
    case 'docker':
      expect(dockerCalls(lines)).toEqual([
        ['run', '-e', 'SECRETS_ENCRYPTION_KEY', '-e', 'SECRETS_ENCRYPTION_KEY_PREVIOUS', 'everruns'],
        ['run', '--env-file', 'encryption-keys.env', 'everruns'],
      ]);
      return;
  }
}

// ---- The runs ----------------------------------------------------------------------------------

let pane: Pane | undefined;
let work = '';
afterEach(() => {
  pane?.kill();
  pane = undefined;
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.skipIf(Boolean(skipReason))('deploy snippets of the real binary, selected from the terminal', () => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'kek-e2e-snippets-'));
  });

  for (const [columns, rows] of [
    [80, 24],
    [200, 50],
  ] as const) {
    it(`${columns}x${rows}: every format selected from the screen works with the exact keys; c and w give the whole snippet`, async () => {
      const dir = mkdtempSync(join(work, `${columns}x${rows}-`));
      const db = join(dir, 'db');
      const seeded = spawnSync(
        'node',
        [bin, 'seed', '--pglite', db, '--rows', '10', '--key-out', join(dir, 'kek-v1.key')],
        { cwd: dir, encoding: 'utf8', timeout: START },
      );
      expect(seeded.status, seeded.stderr).toBe(0);
      const oldKey = readFileSync(join(dir, 'kek-v1.key'), 'utf8').trim();

      pane = openPane(`node ${bin} --pglite ${db} --journal ${join(dir, 'journal.jsonl')}`, {
        columns,
        rows,
        cwd: dir,
        env: { SECRETS_ENCRYPTION_KEY: oldKey, XDG_STATE_HOME: join(dir, 'state'), NO_COLOR: '1' },
      });
      // To the deploy step, with the new key written to its file (the comparison's reference).
      await pane.waitFor('Enter rotate');
      pane.send('Enter');
      await pane.waitFor('kek-v2:••••');
      pane.send('w');
      await pane.waitFor('Write the key to');
      pane.send('Enter');
      await pane.waitFor('Written to kek-v2.key (mode 0600)');
      const newKey = readFileSync(join(dir, 'kek-v2.key'), 'utf8').trim();
      const keys = { primary: newKey, previous: oldKey };
      const config: KeyConfig = { primary: parseKey(newKey, 'kek-v2.key'), previous: parseKey(oldKey, 'kek-v1.key') };
      pane.send('y');
      await pane.waitFor('1 runbook order');
      pane.send('1');
      await pane.waitFor('Both keys, runbook order');

      // Masked until k, in the raw view too.
      pane.send('v');
      const masked = await pane.waitFor((s) => s.includes(rawHeader('dotenv')), 'the masked raw view');
      expect(masked).toContain('(keys masked: k shows them)');
      expect(rawSelection(masked, 'dotenv')).toEqual(
        renderSnippet('dotenv', config, { mask: true }).trimEnd().split('\n'),
      );
      expect(KEY_ANYWHERE.test(pane.screen()), 'key material on screen before k').toBe(false);
      pane.send('Escape');
      await pane.waitFor('[.env]');
      pane.send('k');
      await pane.waitFor('k mask keys');

      let wrappedRows = 0;
      for (const [i, format] of FORMATS.entries()) {
        if (i > 0) pane.send('Right');
        const onScreen = await pane.waitFor(`[${SNIPPET_LABELS[format]}]`);
        const whole = renderSnippet(format, config);
        if (columns >= 100) {
          // Wide enough: the lines on the deploy screen itself are the snippet, ready to select.
          const selected = previewSelection(onScreen);
          expect(selected.join('\n') === whole.trimEnd(), `${format}: the screen's lines are the snippet`).toBe(true);
          checkSelection(format, selected, keys);
        }
        // The raw view: every line whole, wherever the terminal wraps it.
        pane.send('v');
        const raw = await pane.waitFor(
          (s) => s.includes(rawHeader(format)) && s.includes('(keys shown)'),
          `the raw view of ${format}`,
        );
        const selected = rawSelection(raw, format);
        expect(selected.join('\n') === whole.trimEnd(), `${format}: the selected lines are the snippet`).toBe(true);
        checkSelection(format, selected, keys);
        wrappedRows += rawSelection(pane.screen(), format).length - selected.length;
        pane.send('Escape');
        await pane.waitFor(`[${SNIPPET_LABELS[format]}]`);

        // c: the whole snippet of this format, keys included, on the clipboard.
        pane.send('c');
        await pane.waitFor(`Copied the whole ${SNIPPET_LABELS[format]} snippet`);
        await pane.waitFor('set -g set-clipboard on');
        expect(pane.clipboard() === whole, `${format}: the clipboard holds the whole snippet`).toBe(true);

        // w: the whole snippet in a new 0600 file; a second time, refused.
        const name = snippetFileName(format, config);
        pane.send('w');
        await pane.waitFor(`to (a new file, mode 0600): ${name}`);
        pane.send('Enter');
        await pane.waitFor(`Wrote the ${SNIPPET_LABELS[format]} snippet to ${name} (mode 0600).`);
        expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
        expect(readFileSync(join(dir, name), 'utf8') === whole, `${format}: the file holds the whole snippet`).toBe(
          true,
        );
        pane.send('w');
        await pane.waitFor(`to (a new file, mode 0600): ${name}`);
        pane.send('Enter');
        await pane.waitFor(`refusing to overwrite ${name}: the file already exists`);
        expect(readFileSync(join(dir, name), 'utf8') === whole, `${format}: the file is unchanged`).toBe(true);
      }
      // At 80 columns the lines with keys really were wider than the window: the terminal wrapped them.
      if (columns === 80) expect(wrappedRows).toBeGreaterThan(0);
      else expect(wrappedRows).toBe(0);

      pane.send('q');
      await pane.waitFor('EXIT=');
    }, 300_000);
  }
});
