// The deploy screen's snippets survive copy and paste at any width: raw lines (no border, no prefix,
// never wrapped by the tool), a raw view that leaves wrapping to the terminal, c (OSC 52) and w
// (a new 0600 file) for the whole snippet. Keys are random and compared, never printed: a frame
// that has to be shown on failure has every 32-byte base64 value replaced.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  kubernetesSnippet,
  renderSnippet,
  shellSnippet,
  type KeyConfig,
  type SnippetFormat,
} from '../../src/deploy/index.js';
import { SecretKey, type RunbookContext, type UiEventType } from '../../src/machine/contract.js';
import { App } from '../../src/ui/App.js';
import { createActivityFeed } from '../../src/ui/activity-feed.js';
import type { RunbookSnapshot } from '../../src/ui/app/runbook-actor.js';
import { physicalRows, rawWindow } from '../../src/ui/components/SnippetRawView.js';
import { fakeActor } from './fake-actor.js';
import { KEYS, renderInk, widestLine, type Rendered } from './render-ink.js';

const OLD = new SecretKey({ id: 'kek-v1', bytes: randomBytes(32) });
const NEW = new SecretKey({ id: 'kek-v2', bytes: randomBytes(32) });
const BOTH: KeyConfig = { primary: NEW.reveal(), previous: OLD.reveal() };
const FINAL: KeyConfig = { primary: NEW.reveal() };
const MATERIAL = [OLD, NEW].map((k) => k.reveal().bytes.toString('base64'));
const KEYS_CTX: Partial<RunbookContext> = {
  configured: { primaryKeyId: 'kek-v2', previousKeyId: 'kek-v1' },
  newKeyId: 'kek-v2',
  oldKeyId: 'kek-v1',
  secretKeys: { 'kek-v1': OLD, 'kek-v2': NEW },
};
const OSC52 = /\u001b\]52;c;([A-Za-z0-9+/=]*)\u0007/;

const work = mkdtempSync(join(tmpdir(), 'kek-deploy-snippets-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let r: Rendered | undefined;
afterEach(() => r?.unmount());

const redact = (text: string) => text.replace(/[A-Za-z0-9+/]{43}=/g, '<32 bytes>');
const hasMaterial = (text: string) => MATERIAL.some((m) => text.includes(m));
const snippet = (format: SnippetFormat, config: KeyConfig, mask: boolean) =>
  renderSnippet(format, config, { mask }).replace(/\n$/, '').split('\n');

function open(
  value: RunbookSnapshot['value'],
  accepts: readonly UiEventType[],
  size: { columns: number; rows: number },
  ctx: Partial<RunbookContext> = KEYS_CTX,
) {
  const actor = fakeActor(value, ctx, accepts);
  r = renderInk(<App actor={actor} />, size);
  return actor;
}

/** Waits for a frame; on a timeout the frame is shown with key material replaced. */
async function frameWhere(predicate: (frame: string) => boolean, what: string): Promise<string> {
  try {
    return await r!.waitFor(predicate, what);
  } catch (error) {
    throw new Error(redact((error as Error).message));
  }
}

/** A screen frame: fits the terminal, both ways. */
async function screen(text: string): Promise<string> {
  const frame = await frameWhere((f) => f.replace(/\s+/g, ' ').includes(text), JSON.stringify(text));
  expect(widestLine(frame)).toBeLessThanOrEqual(r!.stdout.columns);
  expect(frame.split('\n').length, 'taller than the terminal').toBeLessThanOrEqual(r!.stdout.rows);
  return frame;
}

const rawHeader = (label: string) => `${label} snippet, raw (`;

/** No frame drawn so far was taller than the terminal (a taller one scrolls the screen). */
function everyFrameFits(): void {
  const heights = r!.stdout.frames.filter((f) => !OSC52.test(f)).map((f) => f.split('\n').length);
  expect(Math.max(...heights)).toBeLessThanOrEqual(r!.stdout.rows);
}

/** The raw view's snippet rows: between its header and its footer, as the operator selects them. */
function rawLines(frame: string, label: string): string[] {
  const rows = frame.split('\n');
  const top = rows.findIndex((row) => row.startsWith(rawHeader(label)));
  const bottom = rows.findIndex((row) => /^lines \d+–\d+ of \d+ /.test(row));
  expect(top >= 0 && bottom > top, 'raw view header and footer').toBe(true);
  return rows.slice(top + 1, bottom);
}

async function toFormat(label: string): Promise<string> {
  for (let i = 0; i < 4; i++) {
    const frame = r!.frame();
    if (frame.includes(`[${label}]`) || frame.startsWith(rawHeader(label)) || frame.includes(`\n${rawHeader(label)}`))
      return frame;
    await r!.press(KEYS.right);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return frameWhere((f) => f.includes(`[${label}]`) || f.includes(rawHeader(label)), label);
}

describe('snippet lines on the deploy screen', () => {
  it('80x24: raw lines at column 0, no border; a line wider than the window is cut with …, never wrapped', async () => {
    open({ deploy: 'both' }, ['CONFIRM', 'CANCEL', 'ABORT', 'QUIT'], { columns: 80, rows: 24 });
    await screen('Both keys, runbook order');
    await r!.press('k');
    await screen('k mask keys');
    await toFormat('shell export');
    const frame = await screen('v shows them whole');
    expect(frame).not.toMatch(/[│┌┐└┘]/);
    const rows = frame.split('\n');
    expect(rows).toContain('# primary kek-v2, previous kek-v1 (decrypt only)');
    const exports = rows.filter((row) => row.startsWith('export '));
    expect(exports).toHaveLength(2);
    for (const row of exports) expect(row.endsWith('…') && row.length === 80, redact(row)).toBe(true);
    // No row holds the rest of a line: nothing was wrapped.
    expect(
      rows.some((row) => /^[A-Za-z0-9+/]*=?'?$/.test(row) && row.length > 0),
      'a continuation row',
    ).toBe(false);
    everyFrameFits();
  });

  it('200x50: every line of every format is on screen whole, exactly as the snippet', async () => {
    open({ deploy: 'both' }, ['CONFIRM', 'CANCEL', 'ABORT', 'QUIT'], { columns: 200, rows: 50 });
    await screen('Both keys, runbook order');
    await r!.press('k');
    await screen('k mask keys');
    for (const [format, label] of [
      ['dotenv', '.env'],
      ['shell', 'shell export'],
      ['kubernetes', 'Kubernetes Secret'],
      ['docker', 'docker run'],
    ] as const) {
      await toFormat(label);
      const frame = await screen(`[${label}]`);
      expect(frame).not.toContain('…');
      const rows = frame.split('\n');
      const first = rows.indexOf('# primary kek-v2, previous kek-v1 (decrypt only)');
      const expected = snippet(format, BOTH, false);
      expect(
        rows.slice(first, first + expected.length).join('\n') === expected.join('\n'),
        `${label}: the rows are the snippet`,
      ).toBe(true);
    }
  });

  it('the preview takes the rows the screen leaves: at 80x24 most of the final manifest, in a rehearsal too, within 24 rows', async () => {
    for (const activity of [undefined, createActivityFeed()]) {
      const actor = fakeActor({ remove: 'confirmDeploy' }, KEYS_CTX, ['CONFIRM', 'QUIT']);
      r = renderInk(<App actor={actor} activity={activity} sandbox={activity !== undefined} />, {
        columns: 80,
        rows: 24,
      });
      await screen('Remove kek-v1');
      await toFormat('Kubernetes Secret');
      // Measured after the first frame: the preview grows into the rows left, and stops at the screen's edge.
      const frame = await frameWhere(
        (f) => f.includes('↕ lines 1–') && f.split('\n').length >= (activity ? 22 : 23),
        'a preview filling the screen',
      );
      const [, shown, total] = /↕ lines 1–(\d+) of (\d+)/.exec(frame)!;
      expect(Number(total)).toBe(snippet('kubernetes', FINAL, true).length);
      // Before: 6 lines of 11 at 80x24, 3 in a rehearsal (its activity panel takes 3 rows).
      expect(Number(shown)).toBeGreaterThanOrEqual(activity ? 5 : 8);
      everyFrameFits();
      r.unmount();
      r = undefined;
    }
  });
});

describe('the raw view (v)', () => {
  it('80x24: every line whole at column 0, masked until k; the view fills the screen, blank rows first for each wrapped row', async () => {
    open({ deploy: 'both' }, ['CONFIRM', 'CANCEL', 'ABORT', 'QUIT'], { columns: 80, rows: 24 });
    await screen('Both keys, runbook order');
    await toFormat('shell export');
    await r!.press('v');
    let frame = await frameWhere((f) => f.includes(rawHeader('shell export')), 'the raw view');
    expect(rawLines(frame, 'shell export')).toEqual(snippet('shell', BOTH, true));
    expect(frame).toContain('(keys masked: k shows them)');
    await r!.press('k');
    frame = await frameWhere((f) => f.includes('(keys shown)'), 'the keys shown');
    const lines = rawLines(frame, 'shell export');
    expect(lines.join('\n') === snippet('shell', BOTH, false).join('\n'), 'the raw rows are the snippet').toBe(true);
    expect(widestLine(frame)).toBeGreaterThan(80);
    // Ink erases by newlines: a frame exactly as tall as the screen makes it clear the terminal
    // next time, and the blank rows on top are what the terminal's wrapping scrolls away.
    const rows = frame.split('\n');
    const wrapped = lines.reduce((sum, line) => sum + physicalRows(line, 80) - 1, 0);
    expect(wrapped).toBe(2);
    expect(rows).toHaveLength(24);
    expect(rows.slice(0, wrapped).every((row) => row === '')).toBe(true);
    expect(rows[wrapped]!.startsWith(rawHeader('shell export'))).toBe(true);
    expect(rows.reduce((sum, row) => sum + physicalRows(row, 80), 0) - wrapped).toBe(24);
    // Esc goes back to the screen, the keys still shown, the machine told nothing.
    await r!.press(KEYS.escape);
    await screen('v shows them whole');
  });

  it('80x24: every line of the final Kubernetes manifest can be brought on screen, in the preview and in the raw view', async () => {
    open({ remove: 'confirmDeploy' }, ['CONFIRM', 'QUIT'], { columns: 80, rows: 24 });
    await screen('Remove kek-v1');
    await r!.press('k');
    await toFormat('Kubernetes Secret');
    const expected = snippet('kubernetes', FINAL, false);
    const cut = (line: string) => (line.length > 80 ? `${line.slice(0, 79)}…` : line);
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      for (const row of (await screen('[Kubernetes Secret]')).split('\n')) seen.add(row);
      await r!.press(KEYS.down);
    }
    expect(
      expected.every((line) => seen.has(cut(line))),
      'every line reached in the preview',
    ).toBe(true);
    await r!.press('v');
    await frameWhere((f) => f.includes(rawHeader('Kubernetes Secret')), 'the raw view');
    const raw = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const frame = r!.frame();
      expect(frame.split('\n')).toHaveLength(24);
      for (const line of rawLines(frame, 'Kubernetes Secret')) raw.add(line);
      await r!.press(KEYS.down);
    }
    expect(
      expected.every((line) => raw.has(line)),
      'every line reached whole in the raw view',
    ).toBe(true);
  });

  it('without every key: masked, v still shows the raw lines, and nothing offers to copy or write', async () => {
    open(
      { deploy: 'both' },
      ['CONFIRM', 'QUIT'],
      { columns: 80, rows: 24 },
      { ...KEYS_CTX, secretKeys: { 'kek-v2': NEW } },
    );
    const frame = await screen('kek-rotate does not hold kek-v1');
    expect(frame).not.toContain('c copy');
    expect(frame).not.toContain('w write');
    await r!.press('c');
    await r!.press('v');
    const raw = await frameWhere((f) => f.includes(rawHeader('.env')), 'the raw view');
    expect(rawLines(raw, '.env')).toEqual([
      '# primary kek-v2, previous kek-v1 (decrypt only)',
      'SECRETS_ENCRYPTION_KEY=kek-v2:••••••••••••',
      'SECRETS_ENCRYPTION_KEY_PREVIOUS=kek-v1:••••••••••••',
    ]);
    expect(r!.stdout.frames.some((f) => OSC52.test(f))).toBe(false);
  });
});

describe('c and w: the whole snippet of the selected format', () => {
  it('c sends the whole Kubernetes Secret with its keys by OSC 52, while the screen keeps them masked', async () => {
    open({ deploy: 'both' }, ['CONFIRM', 'CANCEL', 'ABORT', 'QUIT'], { columns: 80, rows: 24 });
    await screen('Both keys, runbook order');
    await toFormat('Kubernetes Secret');
    await r!.press('c');
    await screen('set -g set-clipboard on');
    const sent = r!.stdout.frames.map((f) => OSC52.exec(f)?.[1]).filter((b) => b !== undefined);
    expect(sent).toHaveLength(1);
    const copied = Buffer.from(sent[0]!, 'base64').toString('utf8');
    expect(copied === kubernetesSnippet(BOTH), 'the clipboard gets the whole manifest').toBe(true);
    expect(hasMaterial(copied), 'with the keys').toBe(true);
    const drawn = r!.stdout.frames.filter((f) => !OSC52.test(f)).join('');
    expect(hasMaterial(drawn), 'key material drawn on screen').toBe(false);
    everyFrameFits();
  });

  it('w writes the whole shell snippet to a new 0600 file, and refuses to overwrite it', async () => {
    open({ deploy: 'both' }, ['CONFIRM', 'CANCEL', 'ABORT', 'QUIT'], { columns: 80, rows: 24 });
    await screen('Both keys, runbook order');
    await toFormat('shell export');
    await r!.press('w');
    await screen('Write the shell export snippet (with the keys) to (a new file, mode 0600): kek-v2+kek-v1.sh');
    for (let i = 0; i < 'kek-v2+kek-v1.sh'.length; i++) await r!.press(KEYS.backspace);
    const path = join(work, 'deploy.sh');
    await r!.type(path);
    await r!.press(KEYS.enter);
    await screen('(mode 0600). It holds the keys');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8') === shellSnippet(BOTH), 'the file is the whole shell snippet').toBe(true);
    await r!.press('w');
    for (let i = 0; i < 'kek-v2+kek-v1.sh'.length; i++) await r!.press(KEYS.backspace);
    await r!.type(path);
    await r!.press(KEYS.enter);
    await screen(`refusing to overwrite ${path}`);
    expect(readFileSync(path, 'utf8') === shellSnippet(BOTH), 'the file is unchanged').toBe(true);
    expect(hasMaterial(r!.allFrames().replace(OSC52, ''))).toBe(false);
    everyFrameFits();
  });

  it('typing the old key id at the removal prompt reveals nothing and opens nothing', async () => {
    const actor = open({ remove: 'confirmDeploy' }, ['CONFIRM', 'QUIT'], { columns: 80, rows: 24 });
    await screen('Remove kek-v1');
    await r!.press('y');
    await screen('Type kek-v1 and press Enter');
    await r!.type('k');
    await r!.press(KEYS.backspace);
    await r!.type('kek-v1');
    await r!.press(KEYS.enter);
    await frameWhere(() => actor.sent.length > 0, 'CONFIRM');
    expect(actor.sent).toEqual([{ type: 'CONFIRM' }]);
    expect(hasMaterial(r!.allFrames()), 'a key shown while typing').toBe(false);
    expect(r!.allFrames()).not.toContain('snippet, raw (');
    expect(r!.stdout.frames.some((f) => OSC52.test(f))).toBe(false);
  });
});

describe('rawWindow', () => {
  const lines = ['a'.repeat(10), 'b'.repeat(25), 'c', 'd'.repeat(21), 'e'];
  it('counts the rows the terminal wraps, and fits whole lines into the room', () => {
    expect(lines.map((l) => physicalRows(l, 10))).toEqual([1, 3, 1, 3, 1]);
    expect(rawWindow(lines, 10, 5, 0)).toEqual({ start: 0, end: 3, maxStart: 2, rows: 5, wrapped: 2 });
    expect(rawWindow(lines, 10, 5, 2)).toEqual({ start: 2, end: 5, maxStart: 2, rows: 5, wrapped: 2 });
    // Scrolled past the end: held at the last full window.
    expect(rawWindow(lines, 10, 5, 9).start).toBe(2);
    // A line taller than the room is still shown.
    expect(rawWindow(lines, 10, 2, 1)).toMatchObject({ start: 1, end: 2, rows: 3 });
    // Wide enough: nothing wraps, everything fits.
    expect(rawWindow(lines, 80, 24, 0)).toEqual({ start: 0, end: 5, maxStart: 0, rows: 5, wrapped: 0 });
  });
});
