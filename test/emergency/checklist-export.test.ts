// The emergency checklist as files: grouped by provider, every name whole and escaped, CSV that a
// spreadsheet cannot run as a formula, files private (0600) and never overwritten.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checklistCsv, checklistMarkdown, checklistText, csvField } from '../../src/emergency/checklist-export.js';
import { writeChecklistFiles } from '../../src/emergency/checklist-files.js';
import { groupByProvider } from '../../src/emergency/checklist-groups.js';

const list = [
  { table: 't.c', id: '3', name: 'zeta', providerType: 'openai' },
  { table: 't.c', id: '1', name: '=HYPERLINK("http://evil","x")', providerType: 'anthropic' },
  { table: 't.c', id: '2', name: 'alpha | *bold* \u001b[31mred', providerType: 'openai' },
  { table: 't.c', id: '2', name: 'alpha again (same row)', providerType: 'openai' },
  { table: 't.c', id: '4', name: 'no type', providerType: '' },
];

describe('checklist groups', () => {
  it('groups by provider type, largest first, names in order, each row once', () => {
    const groups = groupByProvider(list);
    expect(groups.map((g) => [g.providerType, g.items.map((c) => c.id)])).toEqual([
      ['openai', ['2', '3']],
      ['', ['4']],
      ['anthropic', ['1']],
    ]);
  });
});

describe('checklist files', () => {
  it('Markdown: a tick box per credential, names escaped and terminal-safe, ticks kept', () => {
    const md = checklistMarkdown(list, {
      rotationId: 'rot-1',
      keyId: 'kek-v1',
      writtenAt: '2026-12-03T00:00:00.000Z',
      ticked: new Set(['t.c\u00003']),
    });
    expect(md).toContain('## openai (2)');
    expect(md).toContain('## (no provider type) (1)');
    expect(md).toContain('- [x] zeta — t.c id 3');
    expect(md).toContain('- [ ] alpha \\| \\*bold\\* \uFFFD\\[31mred — t.c id 2');
    expect(md).not.toContain('\u001b');
    expect(md).toContain('4 credentials');
  });

  it('CSV: quoted where needed, never a formula, one row per credential', () => {
    const csv = checklistCsv(list, new Set(['t.c\u00001']));
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('provider_type,name,table,id,rotated_at_provider');
    expect(lines).toHaveLength(5);
    expect(csv).toContain(`anthropic,"'=HYPERLINK(""http://evil"",""x"")",t.c,1,yes`);
    for (const field of ['=1+1', '+1', '-1', '@SUM(A1)']) expect(csvField(field).startsWith("'")).toBe(true);
    expect(csvField('plain')).toBe('plain');
  });

  it('text: one heading per provider with its count', () => {
    expect(checklistText(list).split('\n')[0]).toBe('openai (2)');
  });

  it('writes both files with mode 0600 and never over an earlier checklist', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kek-checklist-'));
    writeFileSync(path.join(dir, 'kek-rotate-checklist-kek-v1-rot-1234.md'), 'earlier incident');
    const files = await writeChecklistFiles({
      dir,
      rotationId: 'rot-12345678',
      keyId: 'kek-v1',
      credentials: list,
      now: () => 0,
    });
    expect(path.basename(files.markdown)).toBe('kek-rotate-checklist-kek-v1-rot-1234-2.md');
    expect(path.basename(files.csv)).toBe('kek-rotate-checklist-kek-v1-rot-1234.csv');
    for (const file of [files.markdown, files.csv]) expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(dir, 'kek-rotate-checklist-kek-v1-rot-1234.md'), 'utf8')).toBe('earlier incident');
    expect(readFileSync(files.markdown, 'utf8')).toContain('- [ ] zeta');
  });
});
