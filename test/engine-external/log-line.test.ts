// Every message of the reference tool, in the tracing format with and without ANSI colours.
import { describe, expect, it } from 'vitest';
import { parseLogLine, type LogLine } from '../../src/engine/external/log-line.js';
import { plainLine } from '../../src/text/terminal-safe.js';

const ID = '01936f7a-1b2c-7def-8123-456789abcdef';
const LABEL = 'llm_providers.api_key_encrypted';

function plain(level: string, message: string): string {
  return `2025-03-04T05:06:07.891234Z ${level.padStart(5)} reencrypt_secrets: ${message}`;
}
// tracing-subscriber's coloured layout: dim time, coloured level, dim target and colon.
function coloured(level: string, message: string): string {
  const colour = { INFO: 32, WARN: 33, ERROR: 31 }[level] ?? 34;
  return `\x1b[2m2025-03-04T05:06:07.891234Z\x1b[0m \x1b[${colour}m${level.padStart(5)}\x1b[0m \x1b[2mreencrypt_secrets\x1b[0m\x1b[2m:\x1b[0m ${message}`;
}

const CASES: [string, string, LogLine][] = [
  ['INFO', 'Encryption service initialized. Primary key: kek-v2', { type: 'initialized', primaryKeyId: 'kek-v2' }],
  ['INFO', 'Available keys: ["kek-v2", "kek-v1"]', { type: 'available-keys', keyIds: ['kek-v2', 'kek-v1'] }],
  ['INFO', 'Loaded .env from "/app/.env"', { type: 'loaded-dotenv', path: '/app/.env' }],
  ['INFO', 'Connected to database', { type: 'connected' }],
  ['INFO', 'Processing table: llm_providers', { type: 'table', table: 'llm_providers' }],
  [
    'INFO',
    `Would re-encrypt ${LABEL} (id=${ID}, current_key=kek-v1)`,
    { type: 'row', kind: 'dry-run', label: LABEL, id: ID, keyId: 'kek-v1' },
  ],
  [
    'INFO',
    `Would re-encrypt ${LABEL} (id=${ID}, current_key=)`,
    { type: 'row', kind: 'dry-run', label: LABEL, id: ID, keyId: '' },
  ],
  [
    'INFO',
    `Re-encrypted ${LABEL} (id=${ID}, kek-v1 -> kek-v2)`,
    { type: 'row', kind: 'live', label: LABEL, id: ID, keyId: 'kek-v1', toKeyId: 'kek-v2' },
  ],
  [
    'ERROR',
    `Failed to re-encrypt ${LABEL} (id=${ID}): Decryption failed (data may be corrupted): aead::Error`,
    {
      type: 'row-failed',
      stage: 'reencrypt',
      label: LABEL,
      id: ID,
      reason: 'Decryption failed (data may be corrupted): aead::Error',
    },
  ],
  [
    'WARN',
    `Failed to check key for ${LABEL} (id=${ID}): Failed to parse encrypted payload`,
    { type: 'row-failed', stage: 'check', label: LABEL, id: ID, reason: 'Failed to parse encrypted payload' },
  ],
  ['INFO', 'Progress: 2000 processed, 1500 need re-encryption', { type: 'progress', processed: 2000, needing: 1500 }],
  ['INFO', 'DRY RUN: Would re-encrypt 42 of 100 records', { type: 'summary', kind: 'dry-run', count: 42, total: 100 }],
  ['INFO', 'Re-encrypted 42 of 100 records', { type: 'summary', kind: 'live', count: 42, total: 100 }],
  ['INFO', 'No tables with encrypted fields found', { type: 'no-tables' }],
  ['WARN', 'pool timed out', { type: 'other', level: 'WARN', message: 'pool timed out' }],
];

describe('parseLogLine', () => {
  it.each(CASES)('%s %s (plain)', (level, message, expected) => {
    expect(parseLogLine(plain(level, message))).toEqual(expected);
  });

  it.each(CASES)('%s %s (ANSI colours)', (level, message, expected) => {
    expect(parseLogLine(coloured(level, message))).toEqual(expected);
  });

  it('accepts a Windows line ending and a timestamp with an offset', () => {
    expect(parseLogLine(`2025-03-04T05:06:07+02:00  INFO reencrypt_secrets: Connected to database\r`)).toEqual({
      type: 'connected',
    });
  });

  it('reads the container wrapper lines, which have no tracing prefix', () => {
    expect(parseLogLine('Running secrets re-encryption...')).toEqual({ type: 'wrapper', phase: 'start' });
    expect(parseLogLine('\x1b[1mRe-encryption completed successfully\x1b[0m')).toEqual({
      type: 'wrapper',
      phase: 'done',
    });
  });

  it('keeps anything else as text, without colours', () => {
    expect(parseLogLine('\x1b[31mError: Failed to connect to database\x1b[0m')).toEqual({
      type: 'text',
      text: 'Error: Failed to connect to database',
    });
  });

  it('does not take a per-row line for the summary or the other way round', () => {
    expect(parseLogLine(plain('INFO', 'Re-encrypted 1 of 2 records')).type).toBe('summary');
    expect(parseLogLine(plain('INFO', `Re-encrypted ${LABEL} (id=1, kek-v1 -> kek-v2)`)).type).toBe('row');
  });
});

describe('plainLine', () => {
  it('removes colours, terminal titles and other control characters but keeps tabs', () => {
    expect(plainLine('\x1b]0;title\x07a\x1b[1;31mb\x1b[0m\tc\x07\x08')).toBe('ab\tc');
  });

  it('a row failure read from the child carries no C1, bidi or line-separator character', () => {
    const line = plain(
      'ERROR',
      `Failed to re-encrypt ${LABEL} (id=${ID}): no key \u202ekek-v1\u2028forged\u009b31m\u200f`,
    );
    expect(parseLogLine(line)).toEqual({
      type: 'row-failed',
      stage: 'reencrypt',
      label: LABEL,
      id: ID,
      reason: 'no key kek-v1forged31m',
    });
  });
});
