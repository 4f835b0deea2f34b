// The tool's lines become the engine's events: rows counted from per-row lines, failures with id and
// reason, the summary line checked, and a rotation onto an unexpected key stopped.
import { describe, expect, it } from 'vitest';
import type { EngineEvent, RunKind } from '../../src/engine/events.js';
import { ExternalTally } from '../../src/engine/external/external-tally.js';
import { parseLogLine } from '../../src/engine/external/log-line.js';
import { DEFAULT_COLUMNS } from '../../src/db/column.js';

const LABEL = 'llm_providers.api_key_encrypted';
const line = (message: string, level = 'INFO') =>
  `2025-01-01T00:00:00Z ${level.padStart(5)} reencrypt_secrets: ${message}`;

function feed(kind: RunKind, lines: string[], totalRows = 10) {
  const events: EngineEvent[] = [];
  const fatal: string[] = [];
  const tally = new ExternalTally({
    kind,
    primaryKeyId: 'kek-v2',
    totalRows,
    columns: DEFAULT_COLUMNS,
    onEvent: (e) => events.push(e),
    now: () => 0,
    onFatal: (m) => fatal.push(m),
  });
  for (const l of lines) tally.handle(parseLogLine(l));
  const result = tally.finish();
  return { events, fatal, ...result, warnings: events.flatMap((e) => (e.type === 'warning' ? [e.message] : [])) };
}

const START = [
  line('Encryption service initialized. Primary key: kek-v2'),
  line('Connected to database'),
  line('Processing table: llm_providers'),
];

describe('ExternalTally', () => {
  it('counts a dry run per key id, with unlisted rows as already on the primary', () => {
    const { tables, failures, events, warnings } = feed('dry-run', [
      ...START,
      line(`Would re-encrypt ${LABEL} (id=a, current_key=kek-v1)`),
      line(`Would re-encrypt ${LABEL} (id=b, current_key=kek-v1)`),
      line(`Would re-encrypt ${LABEL} (id=c, current_key=kek-v0)`),
      line('DRY RUN: Would re-encrypt 3 of 10 records'),
    ]);
    expect(warnings).toEqual([]);
    expect(failures).toEqual([]);
    expect(tables).toHaveLength(1);
    expect(tables[0]).toMatchObject({
      table: LABEL,
      total: 10,
      processed: 10,
      rotated: 3,
      alreadyPrimary: 7,
      failed: 0,
      byKeyId: { 'kek-v1': 2, 'kek-v0': 1 },
    });
    expect(events[0]).toEqual({ type: 'table-start', table: LABEL, total: 10 });
    expect(events.at(-1)).toMatchObject({ type: 'table-done', counts: { processed: 10 } });
  });

  it('turns ERROR and WARN row lines into failures with id, reason and our problem code', () => {
    const { tables, failures, events } = feed(
      'live',
      [
        ...START,
        line(`Re-encrypted ${LABEL} (id=a, kek-v1 -> kek-v2)`),
        line(
          `Failed to re-encrypt ${LABEL} (id=b): Unknown key_id 'kek-v0'. Available keys: ["kek-v2", "kek-v1"]`,
          'ERROR',
        ),
        line(`Failed to check key for ${LABEL} (id=c): Failed to parse encrypted payload`, 'WARN'),
        line(`Failed to re-encrypt ${LABEL} (id=d): Failed to unwrap DEK: aead::Error`, 'ERROR'),
        line('Re-encrypted 1 of 5 records'),
      ],
      5,
    );
    expect(failures).toEqual([
      {
        table: LABEL,
        id: 'b',
        keyId: 'kek-v0',
        problem: 'unknown-key-id',
        reason: `Unknown key_id 'kek-v0'. Available keys: ["kek-v2", "kek-v1"]`,
      },
      { table: LABEL, id: 'c', keyId: undefined, problem: 'not-json', reason: 'Failed to parse encrypted payload' },
      {
        table: LABEL,
        id: 'd',
        keyId: undefined,
        problem: 'dek-auth-failed',
        reason: 'Failed to unwrap DEK: aead::Error',
      },
    ]);
    expect(events.filter((e) => e.type === 'row-failed')).toHaveLength(3);
    expect(tables[0]).toMatchObject({ processed: 5, rotated: 1, failed: 3, alreadyPrimary: 1 });
  });

  it('moves processed forward on Progress lines, before the summary arrives', () => {
    const { events } = feed(
      'live',
      [
        ...START,
        line(`Re-encrypted ${LABEL} (id=a, kek-v1 -> kek-v2)`),
        line('Progress: 1000 processed, 1 need re-encryption'),
      ],
      2000,
    );
    const progress = events.filter((e): e is Extract<EngineEvent, { type: 'progress' }> => e.type === 'progress');
    expect(progress.some((e) => e.counts.processed === 1000 && e.counts.alreadyPrimary === 999)).toBe(true);
  });

  it('warns when the summary disagrees with the rows it listed', () => {
    const { warnings } = feed(
      'live',
      [...START, line(`Re-encrypted ${LABEL} (id=a, kek-v1 -> kek-v2)`), line('Re-encrypted 2 of 3 records')],
      3,
    );
    expect(warnings).toEqual([expect.stringContaining('summary says 2 rows were re-encrypted, but it listed 1')]);
  });

  it('warns when there is no summary line at all', () => {
    expect(feed('live', START).warnings).toEqual([expect.stringContaining('without its summary line')]);
  });

  it('warns when the tool loaded a .env of its own', () => {
    expect(
      feed('dry-run', [
        line('Loaded .env from "/srv/.env"'),
        ...START,
        line('DRY RUN: Would re-encrypt 0 of 0 records'),
      ]).warnings,
    ).toEqual([expect.stringContaining('/srv/.env')]);
  });

  it('calls for a stop when the tool runs with another primary key, or writes onto one', () => {
    expect(feed('live', [line('Encryption service initialized. Primary key: kek-v9')]).fatal).toEqual([
      expect.stringContaining('kek-v9'),
    ]);
    expect(feed('live', [...START, line(`Re-encrypted ${LABEL} (id=a, kek-v1 -> kek-v3)`)]).fatal).toEqual([
      expect.stringContaining('onto kek-v3'),
    ]);
  });

  it("passes the tool's other warnings and errors on, with secrets removed", () => {
    const key = 'kek-v2:vXqnWWc9qRmCclrq8jHrvNvbviyB6S9TgF8vkxkkpL8=';
    const { warnings } = feed(
      'dry-run',
      [line(`something odd with ${key}`, 'WARN'), ...START, line('DRY RUN: Would re-encrypt 0 of 0 records')],
      0,
    );
    expect(warnings).toEqual(['the tool: something odd with kek-v2:<redacted>']);
  });
});
