// The headless renderers: plain lines at most every few seconds (never one per batch), failures
// with id and reason, JSON lines that parse and cannot carry terminal controls.
import { describe, expect, it } from 'vitest';
import type { EngineEvent, TableCounts } from '../../src/engine/events.js';
import { makeOutput, type CliIo } from '../../src/cli/output.js';
import { toJsonLine } from '../../src/cli/renderers/json-renderer.js';
import { PROGRESS_INTERVAL_MS, plainRenderer } from '../../src/cli/renderers/plain-renderer.js';
import { chooseRendererKind } from '../../src/cli/renderers/renderer.js';

function capture(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s), isTTY: false },
      env: {},
      cwd: '/',
    },
    out,
    err,
  };
}

const TABLE = 'llm_providers.api_key_encrypted';
const counts = (processed: number): TableCounts => ({
  table: TABLE,
  total: 1000,
  processed,
  rotated: processed,
  alreadyPrimary: 0,
  nulls: 0,
  failed: 0,
  retried: 0,
  skippedLocked: 0,
  vanished: 0,
  byKeyId: {},
});

describe('plain renderer', () => {
  it('prints a progress line at most every few seconds, however many batches', () => {
    const { io, err } = capture();
    let now = 0;
    const r = plainRenderer(makeOutput(io, { json: false, target: 'reencrypt_secrets' }), () => now);
    r.onEvent({
      type: 'run-start',
      kind: 'live',
      mode: 'reencrypt',
      primaryKeyId: 'kek-v2',
      keyIds: ['kek-v2'],
      tables: [{ table: TABLE, total: 1000 }],
    });
    r.onEvent({ type: 'table-start', table: TABLE, total: 1000 });
    for (let i = 1; i <= 100; i++) {
      now += 100; // 100 batches in 10 s
      r.onEvent({ type: 'progress', counts: counts(i * 10), rowsPerSecond: 100, etaSeconds: (1000 - i * 10) / 100 });
    }
    const progress = err.filter((l) => l.includes('Progress:'));
    expect(progress.length).toBe(Math.floor(10_000 / PROGRESS_INTERVAL_MS));
    expect(progress[0]).toMatch(
      /INFO reencrypt_secrets: Progress: 500 processed, 500 re-encrypted \(llm_providers.api_key_encrypted: 500 of 1000, 50%, 100 rows\/s, ETA 0:05\)/,
    );
    expect(err[0]).toContain('Processing table: llm_providers');
  });

  it('logs each failed row in the reference format, with control characters replaced', () => {
    const { io, err } = capture();
    const r = plainRenderer(makeOutput(io, { json: false, target: 'reencrypt_secrets' }));
    r.onEvent({
      type: 'row-failed',
      failure: { table: TABLE, id: 'x\u001b[31m', keyId: 'kek-v1', problem: 'auth-failed', reason: 'bad' },
    });
    expect(err.join('')).toMatch(
      /ERROR reencrypt_secrets: Failed to re-encrypt llm_providers.api_key_encrypted \(id=x\uFFFD\[31m\): bad/,
    );
    expect(err.join('')).not.toMatch(/\u001b/);
  });
});

describe('renderer choice and JSON lines', () => {
  it('decides once: JSON with --json, lines when piped or without a width, Ink on a terminal', () => {
    expect(chooseRendererKind({ json: true, stderrIsTTY: true, stderrColumns: 80, env: {} })).toBe('json');
    expect(chooseRendererKind({ json: false, stderrIsTTY: false, stderrColumns: undefined, env: {} })).toBe('plain');
    expect(chooseRendererKind({ json: false, stderrIsTTY: true, stderrColumns: 0, env: {} })).toBe('plain');
    expect(chooseRendererKind({ json: false, stderrIsTTY: true, stderrColumns: 80, env: { TERM: 'dumb' } })).toBe(
      'plain',
    );
    expect(chooseRendererKind({ json: false, stderrIsTTY: true, stderrColumns: 80, env: {} })).toBe('ink');
  });

  it('NO_COLOR turns colour off even on a terminal', () => {
    const tty = { write: () => true, isTTY: true };
    const io = (env: Record<string, string>): CliIo => ({ stdout: tty, stderr: tty, env, cwd: '/' });
    expect(makeOutput(io({}), { json: false, target: 't' }).color).toBe(true);
    expect(makeOutput(io({ NO_COLOR: '1' }), { json: false, target: 't' }).color).toBe(false);
  });

  it('JSON lines escape every control character and parse back to the same value', () => {
    const event: EngineEvent = { type: 'warning', message: 'a\u001b[2J\u009b\u202e b' };
    const line = toJsonLine(event);
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
    expect(JSON.parse(line)).toEqual(event);
  });
});
