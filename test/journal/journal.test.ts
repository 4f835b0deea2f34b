// The journal: durable appends, tolerant reads (a torn last line is reported), no key material
// ever written, the resume point, and the Markdown report.
import { mkdtempSync, readFileSync, statSync, appendFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  defaultJournalPath,
  journalEffect,
  openJournalWriter,
  parseJournal,
  readJournal,
  renderReport,
  resumePoint,
  REDACTED,
  type JournalEntry,
  type JournalEntryInput,
} from '../../src/journal/index.js';
import { MAX_JOURNALED_CREDENTIALS } from '../../src/journal/sanitize.js';
import { LIVE_PASS_ENDED } from '../../src/journal/live-pass-note.js';
import { operate } from '../helpers/machine-driver.js';
import { fakeEffects, makeWorld } from '../machine/fake-effects.js';

function tempJournal(): string {
  return join(mkdtempSync(join(tmpdir(), 'kek-journal-')), 'state', 'journal.jsonl');
}

const base: JournalEntryInput = {
  rotationId: 'r1',
  phase: 'reencrypt',
  step: 'reencrypt.live',
  outcome: 'ok',
  path: 'rotate',
  keys: { new: 'kek-v2', old: 'kek-v1' },
  counts: { rotated: 42, failed: 0 },
};

function clock(start = Date.parse('2024-05-01T02:00:00Z')) {
  let t = start;
  return () => new Date((t += 60_000));
}

describe('writer and reader', () => {
  it('appends one JSON line per entry, private to the owner, and reads them back in order', () => {
    const path = tempJournal();
    const writer = openJournalWriter(path, { now: clock(), operator: 'ops@db1' });
    writer.append({ ...base, step: 'reencrypt.dryRun' });
    writer.append(base);
    const read = readJournal(path);
    expect(read.problems).toEqual([]);
    expect(read.entries.map((e) => [e.step, e.operator, e.v])).toEqual([
      ['reencrypt.dryRun', 'ops@db1', 1],
      ['reencrypt.live', 'ops@db1', 1],
    ]);
    expect(read.entries[1]).toMatchObject({
      time: '2024-05-01T02:02:00.000Z',
      keys: { new: 'kek-v2', old: 'kek-v1' },
      counts: { rotated: 42, failed: 0 },
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(3);
  });

  it('reports a torn last line after a crash and keeps every complete line', () => {
    const path = tempJournal();
    openJournalWriter(path, { now: clock() }).append(base);
    appendFileSync(path, '{"v":1,"time":"2024-05-01T02:0');
    const read = readJournal(path);
    expect(read.entries).toHaveLength(1);
    expect(read.tornLastLine).toBe(true);
    expect(read.problems).toEqual([{ line: 2, reason: expect.stringMatching(/incomplete/) }]);
  });

  it('reports a bad line in the middle without dropping the others', () => {
    const good = JSON.stringify({
      v: 1,
      time: '2024-05-01T02:00:00.000Z',
      operator: 'o',
      rotationId: 'r',
      phase: 'p',
      step: 's',
      outcome: 'ok',
    });
    const read = parseJournal(`${good}\nnot json\n{"v":2}\n${good}\n`);
    expect(read.entries).toHaveLength(2);
    expect(read.tornLastLine).toBe(false);
    expect(read.problems.map((p) => p.line)).toEqual([2, 3]);
  });

  it('treats a missing journal as empty', () => {
    expect(readJournal(join(tmpdir(), 'does-not-exist', 'j.jsonl'))).toEqual({
      entries: [],
      problems: [],
      tornLastLine: false,
    });
  });

  it('journalEffect never throws and reports a write failure once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kek-journal-'));
    writeFileSync(join(dir, 'file'), '');
    const errors: string[] = [];
    const append = journalEffect(openJournalWriter(join(dir, 'file', 'journal.jsonl')), (e) => errors.push(e.message));
    expect(() => {
      append(base);
      append(base);
    }).not.toThrow();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/cannot write the journal/);
  });

  it('defaults to the XDG state directory', () => {
    expect(defaultJournalPath({ XDG_STATE_HOME: '/var/state' }, '/home/ops')).toBe(
      '/var/state/kek-rotate/journal.jsonl',
    );
    expect(defaultJournalPath({}, '/home/ops')).toBe('/home/ops/.local/state/kek-rotate/journal.jsonl');
  });
});

describe('no key material', () => {
  it('redacts key material smuggled into a message and drops fields outside the allow-list', () => {
    const path = tempJournal();
    const material = randomBytes(32).toString('base64');
    const smuggled = {
      ...base,
      message: `failed with SECRETS_ENCRYPTION_KEY=kek-v2:${material}`,
      keys: { new: `kek-v2:${material}` },
      secret: material,
    } as JournalEntryInput;
    openJournalWriter(path, { now: clock() }).append(smuggled);
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(material);
    expect(text).toContain(REDACTED);
    expect(JSON.parse(text)).not.toHaveProperty('secret');
    expect(JSON.parse(text)).not.toHaveProperty('keys');
  });

  it('keeps emergency credentials (where, name, type), cleans their text and caps their number', () => {
    const path = tempJournal();
    const material = randomBytes(32).toString('base64');
    const many = Array.from({ length: MAX_JOURNALED_CREDENTIALS + 5 }, (_, i) => ({
      table: 't.c',
      id: `id-${i}`,
      name: `p${i}`,
      providerType: 'openai',
    }));
    const credentials = [
      { table: 'llm_providers.api_key_encrypted', id: '0190-a', name: 'prod\u001b[31m openai', providerType: 'openai' },
      { table: 'llm_providers.api_key_encrypted', id: '0190-b', name: material, providerType: 'anthropic' },
      { table: 'no id' },
      'not an object',
      ...many,
    ];
    openJournalWriter(path, { now: clock() }).append({ ...base, credentials } as unknown as JournalEntryInput);
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(material);
    const [written] = readJournal(path).entries;
    expect(written!.credentials!.slice(0, 2)).toEqual([
      { table: 'llm_providers.api_key_encrypted', id: '0190-a', name: 'prod\uFFFD[31m openai', providerType: 'openai' },
      { table: 'llm_providers.api_key_encrypted', id: '0190-b', name: REDACTED, providerType: 'anthropic' },
    ]);
    // The cap applies to what was handed over (malformed items included); the rest are dropped.
    expect(written!.credentials).toHaveLength(MAX_JOURNALED_CREDENTIALS - 2);
  });

  it('a whole rotation run by the machine writes no key material to the journal file', async () => {
    const path = tempJournal();
    const world = makeWorld();
    const effects = {
      ...fakeEffects(world),
      appendJournal: journalEffect(openJournalWriter(path), (e) => {
        throw e;
      }),
    };
    const { actor, at } = operate(effects, { rotationId: 'r-full' }, 2000);
    await at('preflight.ready');
    actor.send({ type: 'CHOOSE_PATH', path: 'rotate' });
    await at('generate.show');
    actor.send({ type: 'REVEAL_KEY' });
    actor.send({ type: 'CONFIRM' });
    actor.send({ type: 'CHOOSE_DEPLOY', plan: 'runbook' });
    actor.send({ type: 'CONFIRM' });
    for (const step of [
      'reencrypt.dryRunReview',
      'reencrypt.liveReview',
      'verify.passed',
      'remove.confirmDeploy',
    ] as const) {
      await at(step);
      actor.send({ type: 'CONFIRM' });
    }
    await at('done.summary');
    const text = readFileSync(path, 'utf8');
    for (const material of world.keyMaterialSeen) expect(text).not.toContain(material);
    const material = actor.getSnapshot().context.secretKeys['kek-v2']!.reveal().bytes.toString('base64');
    expect(text).not.toContain(material);
    expect(text).not.toMatch(/[A-Za-z0-9+/]{43}=/);
    const { entries, problems } = readJournal(path);
    // Every line the writer wrote matches the schema the reader checks.
    expect(problems).toEqual([]);
    expect(entries.some((e) => e.step === 'reencrypt.live' && e.outcome === 'ok' && e.counts?.['rotated'] === 10)).toBe(
      true,
    );
    expect(resumePoint(entries)).toMatchObject({ rotationId: 'r-full', finished: true });
  });
});

function entry(partial: Partial<JournalEntry>): JournalEntry {
  return {
    v: 1,
    time: '2024-05-01T02:00:00.000Z',
    operator: 'ops@db1',
    rotationId: 'r1',
    phase: 'preflight',
    step: 'preflight.loading',
    outcome: 'ok',
    ...partial,
  };
}

describe('resume point', () => {
  it('is the last step past preflight of the last rotation, with the keys it was moving between', () => {
    const entries = [
      entry({ rotationId: 'r1', phase: 'done', step: 'done.summary' }),
      entry({ rotationId: 'r2', phase: 'generate', step: 'generate.creating', keys: { new: 'kek-v3', old: 'kek-v2' } }),
      entry({ rotationId: 'r2', phase: 'reencrypt', step: 'reencrypt.live', outcome: 'started', path: 'rotate' }),
      entry({ rotationId: 'r3', phase: 'preflight', step: 'preflight.loading' }), // a new session started and crashed in preflight
      entry({ rotationId: 'r3', phase: 'done', step: 'quit', outcome: 'cancelled' }),
    ];
    expect(resumePoint(entries)).toEqual({
      rotationId: 'r2',
      path: 'rotate',
      phase: 'reencrypt',
      step: 'reencrypt.live',
      outcome: 'started',
      time: '2024-05-01T02:00:00.000Z',
      newKeyId: 'kek-v3',
      oldKeyId: 'kek-v2',
      finished: false,
    });
  });

  it('carries the emergency credentials journaled for that rotation, and only for it', () => {
    const listed = [
      { table: 'llm_providers.api_key_encrypted', id: 'id-1', name: 'prod openai', providerType: 'openai' },
    ];
    const entries = [
      entry({
        rotationId: 'r1',
        path: 'emergency',
        phase: 'emergency',
        step: 'emergency.listingCredentials',
        credentials: [{ ...listed[0]!, name: 'older rotation' }],
      }),
      entry({ rotationId: 'r1', phase: 'done', step: 'done.summary' }),
      entry({
        rotationId: 'r2',
        path: 'emergency',
        phase: 'emergency',
        step: 'emergency.listingCredentials',
        credentials: listed,
        keys: { new: 'kek-v3', old: 'kek-v2' },
      }),
      entry({
        rotationId: 'r2',
        path: 'emergency',
        phase: 'emergency',
        step: 'emergency.reencrypting',
        outcome: 'started',
      }),
    ];
    expect(resumePoint(entries)).toMatchObject({ rotationId: 'r2', path: 'emergency', credentials: listed });
    expect(resumePoint(entries.slice(0, 2))).toMatchObject({ rotationId: 'r1', finished: true });
    expect(resumePoint([entry({ rotationId: 'r3', phase: 'reencrypt', step: 'reencrypt.live' })])).not.toHaveProperty(
      'credentials',
    );
  });

  it('the report lists the credentials of an emergency once, grouped, with the ticks replayed', () => {
    const c = (id: string, name: string, providerType = 'openai') => ({
      table: 'llm_providers.api_key_encrypted',
      id,
      name,
      providerType,
    });
    const entries = [
      entry({
        rotationId: 'r2',
        path: 'emergency',
        phase: 'emergency',
        step: 'emergency.listingCredentials',
        credentials: [c('1', 'prod | openai'), c('2', 'staging')],
        keys: { new: 'kek-v3', old: 'kek-v2' },
      }),
      entry({
        rotationId: 'r2',
        path: 'emergency',
        phase: 'emergency',
        step: 'emergency.completingList',
        counts: { credentials: 3, added: 1 },
        credentials: [c('3', 'claude', 'anthropic')],
      }),
      entry({
        rotationId: 'r2',
        path: 'emergency',
        phase: 'emergency',
        step: 'emergency.checklist',
        outcome: 'info',
        message: 'rotated at its provider',
        credentials: [c('2', 'staging')],
      }),
      entry({
        rotationId: 'r2',
        path: 'emergency',
        phase: 'emergency',
        step: 'emergency.checklist',
        outcome: 'info',
        message: 'rotated at its provider',
        credentials: [c('3', 'claude', 'anthropic')],
      }),
      entry({
        rotationId: 'r2',
        path: 'emergency',
        phase: 'emergency',
        step: 'emergency.checklist',
        outcome: 'info',
        message: 'not rotated at its provider after all',
        credentials: [c('3', 'claude', 'anthropic')],
      }),
    ];
    const report = renderReport(entries);
    expect(report).toContain('### Credentials to rotate at their providers (3, 1 ticked as rotated)');
    expect(report).toContain('#### openai (2)');
    expect(report).toContain('- [ ] prod \\| openai — llm\\_providers.api\\_key\\_encrypted id 1');
    expect(report).toContain('- [x] staging');
    expect(report).toContain('- [ ] claude');
    expect(resumePoint(entries)?.credentials?.map((x) => x.id)).toEqual(['1', '2', '3']);
  });

  it('carries the rows earlier sessions moved: the sum of the pass lines of that rotation only', () => {
    const pass = (rotationId: string, rotated: number) =>
      entry({
        rotationId,
        phase: 'reencrypt',
        step: 'reencrypt.live',
        outcome: 'info',
        message: LIVE_PASS_ENDED,
        counts: { rotated, failed: 0 },
      });
    const entries = [
      pass('r1', 500),
      pass('r2', 120),
      pass('r2', 80),
      entry({ rotationId: 'r2', phase: 'reencrypt', step: 'reencrypt.paused' }),
    ];
    expect(resumePoint(entries)?.movedEarlier).toBe(200);
    expect(resumePoint([entry({ rotationId: 'r3', phase: 'reencrypt', step: 'reencrypt.live' })])).not.toHaveProperty(
      'movedEarlier',
    );
  });

  it('is undefined for an empty journal and finished after done', () => {
    expect(resumePoint([])).toBeUndefined();
    expect(resumePoint([entry({ phase: 'done', step: 'done.summary' })])?.finished).toBe(true);
  });
});

describe('report', () => {
  it('renders each rotation with path, keys, operators, phase times, decisions and journal problems', () => {
    const entries = [
      entry({
        time: '2024-05-01T02:00:00.000Z',
        phase: 'preflight',
        step: 'preflight.loading',
        counts: { 'kek-v1': 10 },
      }),
      entry({
        time: '2024-05-01T02:05:00.000Z',
        phase: 'generate',
        step: 'generate.creating',
        keys: { new: 'kek-v2', old: 'kek-v1' },
        path: 'rotate',
      }),
      entry({ time: '2024-05-01T02:06:00.000Z', phase: 'reencrypt', step: 'reencrypt.live', outcome: 'started' }),
      entry({
        time: '2024-05-01T02:16:00.000Z',
        phase: 'reencrypt',
        step: 'reencrypt.live',
        counts: { rotated: 10, failed: 0 },
        operator: 'oncall@db2',
      }),
      entry({
        time: '2024-05-01T02:20:00.000Z',
        phase: 'verify',
        step: 'verify.refused',
        outcome: 'refused',
        message: 'x: 1 row | still on kek-v1.',
      }),
    ];
    const md = renderReport(entries, [{ line: 6, reason: 'the last line is incomplete' }]);
    expect(md).toContain('## Rotation r1');
    expect(md).toContain('- **Keys:** kek-v1 → kek-v2');
    expect(md).toContain('- **Operators:** ops@db1, oncall@db2');
    expect(md).toContain('not finished; last step verify.refused (refused)');
    expect(md).toContain('| reencrypt | 14m 0s |');
    expect(md).toContain('rotated 10, failed 0');
    expect(md).toContain('1 row \\| still on kek-v1.');
    expect(md).not.toMatch(/\| started \|/);
    expect(md).toContain('- line 6: the last line is incomplete');
  });

  it('says so when the journal is empty', () => {
    expect(renderReport([])).toContain('The journal is empty');
  });
});
