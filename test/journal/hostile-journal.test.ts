// A journal is a file anyone with access can edit. Every line is checked against the journal's
// schema: a line that does not match is skipped and reported by number (to `report` and to the
// resume logic), never trusted; and `report` shows every string it keeps through the terminal-safe,
// Markdown-escaping helper, with anything that looks like key material redacted.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { CredentialSchema, type CredentialRef as JournalCredentialRef } from '../../src/journal/entry.js';
import { parseJournal, renderReport, resumePoint, REDACTED, sanitizeEntry } from '../../src/journal/index.js';
import type { CredentialRef } from '../../src/machine/contract.js';
import { cliInProcess, emptyDir } from '../cli/cli-harness.js';

/** Everything terminal-safe.ts replaces, except the \n that ends each line. */
const RAW_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;
const KEY = randomBytes(32).toString('base64');

function line(over: Record<string, unknown>): string {
  return JSON.stringify({
    v: 1,
    time: '2024-05-01T02:00:00.000Z',
    operator: 'ops@db1',
    rotationId: 'r1',
    phase: 'reencrypt',
    step: 'reencrypt.live',
    outcome: 'ok',
    ...over,
  });
}

/** Lines 3, 5 and 6 must be skipped; the others are well-formed entries with hostile text in them. */
function hostileJournal(): string {
  return (
    [
      /* 1 */ line({
        time: '2024-05-01T02:00:00.000Z',
        phase: 'generate',
        step: 'generate.creating',
        path: 'rotate',
        keys: { new: 'kek-v2', old: 'kek-v1' },
      }),
      /* 2 */ line({
        time: '2024-05-01T02:05:00.000Z',
        operator: 'ops\u001b[31m@db1',
        message:
          'moved\u001b[2J\u001b]0;pwned\u0007 rows\u009b31m \u202eevil\u2028line\u0085 <img src=x onerror=alert(1)> [click](http://evil.example) | pipe `code` *bold*',
      }),
      /* 3 */ line({ keys: { new: 'kek\u202ev2\nforged', old: 'kek-v1' } }),
      /* 4 */ line({ time: '2024-05-01T02:06:00.000Z', message: `SECRETS_ENCRYPTION_KEY=kek-v2:${KEY} leaked` }),
      /* 5 */ 'this is not JSON \u001b[2J',
      /* 6 */ JSON.stringify({
        v: 1,
        time: 42,
        operator: ['x'],
        rotationId: 'r1',
        phase: 'p',
        step: 's',
        outcome: 'exploded',
        counts: { rotated: 'many', 'e\u001bvil': 1 },
      }),
      /* 7 */ line({
        time: '2024-05-01T02:07:00.000Z',
        message: `bare ${KEY.slice(0, 43)} and split ${KEY.slice(0, 22)}\u200e${KEY.slice(22)}`,
      }),
      /* 8 */ line({
        time: '2024-05-01T02:08:00.000Z',
        rotationId: 'r2\u001b]8;;http://evil.example\u0007link',
        phase: 'verify',
        step: 'verify.counting\u2028forged',
      }),
    ].join('\n') + '\n'
  );
}

function expectNothingHostile(text: string): void {
  expect(text).not.toMatch(RAW_UNSAFE);
  expect(text).not.toContain(KEY);
  expect(text).not.toContain(KEY.slice(0, 43));
  expect(text).not.toContain(KEY.slice(22));
  for (const word of ['forged\n', 'exploded', 'many']) expect(text).not.toContain(word);
}

describe('writing', () => {
  it('the writer keeps text fields on one line, with no control, bidi or separator character left', () => {
    const entry = sanitizeEntry(
      {
        rotationId: 'r\u202e1',
        phase: 'p',
        step: 's',
        outcome: 'ok',
        message: 'moved\u2028rows\u009b2J\u200f\nnext\tline',
      },
      '2024-05-01T02:00:00.000Z',
      'ops\u2029@host',
    );
    for (const text of [entry.rotationId, entry.message!, entry.operator]) expect(text).not.toMatch(RAW_UNSAFE);
    expect(entry.message).toBe(`moved\uFFFDrows\uFFFD2J\uFFFD next line`);
  });
});

describe('reading a hand-edited journal', () => {
  it('keeps the entries that match the schema and skips the others by line number, echoing nothing from them', () => {
    const read = parseJournal(hostileJournal());
    expect(read.entries.map((e) => e.time)).toEqual([
      '2024-05-01T02:00:00.000Z',
      '2024-05-01T02:05:00.000Z',
      '2024-05-01T02:06:00.000Z',
      '2024-05-01T02:07:00.000Z',
      '2024-05-01T02:08:00.000Z',
    ]);
    expect(read.problems.map((p) => p.line)).toEqual([3, 5, 6]);
    expect(read.problems[0]!.reason).toMatch(/keys\.new is not in the expected format/);
    expect(read.problems[1]!.reason).toMatch(/not valid JSON/);
    expect(read.problems[2]!.reason).toMatch(
      /outcome is not one of the allowed values; counts\.rotated is missing or not a number; counts\.\(a name not shown\) has a name that is not allowed \(and 2 more\)/,
    );
    for (const p of read.problems) {
      expect(p.reason).not.toMatch(RAW_UNSAFE);
      expect(p.reason).not.toMatch(/forged|exploded|many|evil/);
    }
  });

  it('tells the resume logic which lines it skipped, and never takes a key id from them', () => {
    const point = resumePoint(parseJournal(hostileJournal()));
    expect(point?.skippedLines).toEqual([3, 5, 6]);
    const r1 = resumePoint(parseJournal(hostileJournal().split('\n').slice(0, 7).join('\n') + '\n'));
    expect(r1).toMatchObject({ rotationId: 'r1', newKeyId: 'kek-v2', oldKeyId: 'kek-v1', skippedLines: [3, 5, 6] });
    expect(resumePoint(parseJournal(`${line({})}\n`))).not.toHaveProperty('skippedLines');
  });

  it("one credential type: the machine's is the journal schema's", () => {
    expectTypeOf<CredentialRef>().toEqualTypeOf<z.infer<typeof CredentialSchema>>();
    expectTypeOf<JournalCredentialRef>().toEqualTypeOf<CredentialRef>();
    expect(CredentialSchema.safeParse({ table: 't.c', id: '1', name: 'n', providerType: 'openai' }).success).toBe(true);
  });
});

describe('the report of a hand-edited journal', () => {
  it('shows every string terminal-safe and Markdown-escaped, redacts key material, and says what it skipped', () => {
    const read = parseJournal(hostileJournal());
    const md = renderReport(read.entries, read.problems);
    expectNothingHostile(md);
    expect(md).toContain(REDACTED);
    expect(md).toContain('kek-v2:[redacted: looked like key material] leaked');
    expect(md).toContain('3 journal lines were skipped (lines 3, 5 and 6)');
    expect(md).toContain('- line 5: not valid JSON; the line is skipped');
    // Markdown cannot be injected: no tag, no link, no code span, no cell split.
    expect(md).toContain('\\<img src=x onerror=alert(1)\\>');
    expect(md).toContain('\\[click\\](http://evil.example)');
    expect(md).toContain('\\| pipe \\`code\\` \\*bold\\*');
    expect(md).not.toMatch(/(^|[^\\])[<`]/m);
    expect(md).toContain('## Rotation r2\uFFFD\\]8;;http://evil.example\uFFFDlink');
  });

  it('`kek-rotate report` prints the report, says on stderr how many lines it skipped, and exits 1', async () => {
    const file = join(emptyDir(), 'journal.jsonl');
    writeFileSync(file, hostileJournal());
    const r = await cliInProcess(['report', '--journal', file]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('# KEK rotation report');
    expect(r.stdout).toContain('## Journal problems');
    expect(r.stderr).toContain('error: 3 journal lines were skipped (lines 3, 5 and 6): not entries kek-rotate wrote');
    expectNothingHostile(r.stdout);
    expectNothingHostile(r.stderr);
  });

  it('a journal with no entry at all exits 2 and says how many lines it skipped', async () => {
    const file = join(emptyDir(), 'journal.jsonl');
    writeFileSync(file, `garbage \u001b[2J\n${JSON.stringify({ v: 1, time: 'yesterday' })}\n`);
    const r = await cliInProcess(['report', '--journal', file]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('holds no journal entries. 2 journal lines were skipped (lines 1 and 2)');
    expect(r.stdout + r.stderr).not.toMatch(RAW_UNSAFE);
  });
});
