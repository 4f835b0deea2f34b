// The one terminal-safe text module: one character class (C0, DEL, C1, bidi controls, U+2028/U+2029),
// an explicit choice for \n and \t per use, and the places that used to carry their own (smaller)
// copies of the class: the CLI's log and data lines, --json, verify's text (the UI:
// test/ui/terminal-safe-ui.test.tsx; the journal: test/journal/hostile-journal.test.ts).
import { describe, expect, it } from 'vitest';
import { toJsonLine } from '../../src/cli/renderers/json-renderer.js';
import { makeOutput } from '../../src/cli/output.js';
import {
  escapeUnsafe,
  hasUnsafeCharacters,
  jsonLine,
  plainLine,
  REPLACEMENT,
  safeText,
} from '../../src/text/terminal-safe.js';
import { renderVerifyText } from '../../src/verify/render-verify-text.js';
import type { VerifyReport } from '../../src/verify/verify-report.js';

/** Every character of the class, one of each kind named in the module's header. */
const CLASS: [string, string][] = [
  ['NUL', '\u0000'],
  ['BEL', '\u0007'],
  ['BS', '\u0008'],
  ['TAB', '\t'],
  ['LF', '\n'],
  ['CR', '\r'],
  ['ESC', '\u001b'],
  ['US', '\u001f'],
  ['DEL', '\u007f'],
  ['PAD (C1)', '\u0080'],
  ['CSI (C1)', '\u009b'],
  ['APC (C1)', '\u009f'],
  ['ALM', '\u061c'],
  ['LRM', '\u200e'],
  ['RLM', '\u200f'],
  ['LRE', '\u202a'],
  ['RLO', '\u202e'],
  ['LRI', '\u2066'],
  ['PDI', '\u2069'],
  ['LINE SEPARATOR', '\u2028'],
  ['PARAGRAPH SEPARATOR', '\u2029'],
];
const ANY_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

describe('the character class', () => {
  it.each(CLASS)('%s is replaced in a single-line field, visibly', (_, c) => {
    expect(safeText(`a${c}b`)).toBe(`a${REPLACEMENT}b`);
    expect(hasUnsafeCharacters(`a${c}b`)).toBe(true);
  });

  it('leaves ordinary text alone, non-ASCII letters and emoji included', () => {
    const text = 'kek-v1 → kek-v2 · Grüße, 東京, עברית, 🙂';
    expect(safeText(text)).toBe(text);
    expect(hasUnsafeCharacters(text)).toBe(false);
  });

  it('\\n and \\t: replaced, turned into spaces or kept, as each use says; \\r is never kept', () => {
    expect(safeText('a\nb\tc\rd')).toBe(`a${REPLACEMENT}b${REPLACEMENT}c${REPLACEMENT}d`);
    expect(safeText('a\nb\tc\rd', { newline: 'space', tab: 'space' })).toBe('a b c d');
    expect(safeText('a\nb\tc\rd\u001b', { newline: 'keep', tab: 'keep' })).toBe(`a\nb\tc${REPLACEMENT}d${REPLACEMENT}`);
    expect(safeText('a\u001bb', { replacement: '' })).toBe('ab');
  });

  it('escapeUnsafe shows each character as an escape', () => {
    expect(escapeUnsafe('kek\u202ev1\u2028x\u001b[2J\u009b')).toBe('kek\\u202ev1\\u2028x\\x1b[2J\\x9b');
  });

  it('plainLine removes whole escape sequences, drops the rest of the class and keeps tabs', () => {
    expect(plainLine('\u001b]0;title\u0007a\u001b[1;31mb\u001b[0m\tc\u0007\u0008')).toBe('ab\tc');
    expect(plainLine('a\u009b31mb\u202ec\u2028d\u001bce')).toBe('a31mbcde');
  });
});

describe('JSON lines', () => {
  const value = { keyId: 'kek\u202ev1\u2028x\u2029\u001b[2J\u0085\u007f\u061c\u200e', reason: 'a\nb' };

  it('stay one line, carry no raw character of the class, and parse back to the same value', () => {
    for (const line of [jsonLine(value), toJsonLine(value)]) {
      expect(line).not.toMatch(ANY_UNSAFE);
      expect(line.split(/\r\n|\r|\n|\u2028|\u2029/)).toHaveLength(1);
      expect(JSON.parse(line)).toEqual(value);
    }
  });
});

describe('the places that had their own copy of the class', () => {
  it('log and data lines of the CLI', () => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const out = makeOutput(
      {
        stdout: { write: (t: string) => stdout.push(t) },
        stderr: { write: (t: string) => stderr.push(t) },
        env: {},
        cwd: '/',
      },
      { json: false, target: 't' },
    );
    const hostile = CLASS.map(([, c]) => c).join('');
    out.info(`key ${hostile}`);
    out.data(`key ${hostile}`);
    for (const text of [stdout.join(''), stderr.join('')]) {
      expect(text.endsWith('\n')).toBe(true);
      expect(text.slice(0, -1)).not.toMatch(ANY_UNSAFE);
    }
  });

  it("verify's text report", () => {
    const report: VerifyReport = {
      passed: false,
      primaryKeyId: 'kek-v2',
      problems: ['1 row on kek\u202ev1\u2028x'],
      columns: [
        {
          label: 'llm_providers.api_key_encrypted',
          table: 'llm_providers',
          valueType: 'bytea',
          total: 1,
          nulls: 0,
          invalid: 0,
          byKeyId: { 'kek\u202ev1\u2028x\u061c': 1 },
          sql: 'SELECT 1',
          deep: {
            ring: 'all-keys',
            checked: 1,
            ok: 0,
            failed: 1,
            failures: [{ id: 'id\u2029', problem: 'unknown-key-id', reason: 'encrypted under kek\u202ev1\u2028x' }],
          },
        },
      ],
    } as unknown as VerifyReport;
    const text = renderVerifyText(report);
    expect(text.replace(/\n/g, '')).not.toMatch(ANY_UNSAFE);
    expect(text).toContain('kek\\u202ev1\\u2028x');
  });
});
