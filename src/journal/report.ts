// A journal as a Markdown audit report: per rotation, who did what when, on which key ids, with
// which counts and outcome, and the time spent per phase. Only what the journal holds: no secrets.
// The journal is a file anyone with access can edit, so every string from it is shown through one
// helper: made terminal-safe, Markdown-escaped, and anything that looks like key material redacted.
import { markdownText } from '../text/markdown.js';
import type { JournalEntry } from './entry.js';
import { skippedLinesSentence, type JournalProblem } from './journal-reader.js';
import { credentialKey, replayTicks, uniqueCredentials } from '../emergency/checklist-groups.js';
import { checklistMarkdownGroups } from '../emergency/checklist-export.js';
import { redactKeyMaterial } from './sanitize.js';
import { passTotals } from './live-pass-note.js';

/** A string from the journal as it may appear in the report (and on the terminal that prints it). */
export function journalText(text: string | undefined): string {
  return redactKeyMaterial(markdownText(text ?? ''));
}

const cell = journalText;

function formatCounts(counts: Record<string, number> | undefined): string {
  return counts
    ? Object.entries(counts)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')
    : '';
}

function formatKeys(keys: JournalEntry['keys']): string {
  if (!keys) return '';
  const parts: string[] = [];
  if (keys.old && keys.new) parts.push(`${keys.old} → ${keys.new}`);
  else if (keys.primary) parts.push(`primary ${keys.primary}`);
  return parts.join(' ');
}

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60
    ? `${s}s`
    : s < 3600
      ? `${Math.floor(s / 60)}m ${s % 60}s`
      : `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** Time from the first line of each phase to the first line of the next one. */
function phaseTimes(entries: readonly JournalEntry[]): [string, number][] {
  const out: [string, number][] = [];
  let current: { phase: string; start: number } | undefined;
  for (const entry of entries) {
    const at = Date.parse(entry.time);
    if (current?.phase === entry.phase) continue;
    if (current) out.push([current.phase, at - current.start]);
    current = { phase: entry.phase, start: at };
  }
  return out;
}

/**
 * The path the rotation really took, from its steps (not from the last line's label): the emergency
 * path, the staged deploy for rolling deploys, the runbook order; and whether a rollback happened.
 */
export function pathTaken(entries: readonly JournalEntry[]): string {
  const did = (prefix: string) => entries.some((e) => e.step.startsWith(prefix) && e.outcome !== 'started');
  const base = entries.some((e) => e.step.startsWith('emergency.'))
    ? 'emergency'
    : did('deploy.stageA') || did('deploy.applyingA')
      ? 'staged (rolling deploys)'
      : 'standard';
  return entries.some((e) => e.step.startsWith('rollback.')) ? `${base}, then a rollback after removal` : base;
}

export { passTotals };

/** A session that only read (preflight) and then quit: not a rotation of its own. */
function onlyRead(entries: readonly JournalEntry[]): boolean {
  return entries.every((e) => e.phase === 'preflight' || e.step === 'quit');
}

function rotationSection(id: string, entries: readonly JournalEntry[]): string[] {
  const first = entries[0]!;
  const last = entries[entries.length - 1]!;
  const operators = [...new Set(entries.map((e) => e.operator))].map(journalText).join(', ');
  const keyLine = [...entries].reverse().find((e) => e.keys?.new && e.keys?.old)?.keys;
  const finishedAt = entries.findIndex(
    (e) => (e.step === 'done.summary' || e.step === 'emergency.checklist') && e.outcome !== 'started',
  );
  const finished = finishedAt >= 0;
  const totals = passTotals(entries);
  // The last step that did something: a quit after the rotation finished closes the session, no more.
  const lastStep = [...entries].reverse().find((e) => e.step !== 'quit') ?? last;
  const lines = [
    `## Rotation ${journalText(id)}`,
    '',
    `- **Path:** ${journalText(pathTaken(entries))}`,
    `- **Keys:** ${keyLine ? journalText(`${keyLine.old} → ${keyLine.new}`) : 'no new key recorded'}`,
    `- **Operators:** ${operators}`,
    `- **From** ${journalText(first.time)} **to** ${journalText(last.time)} (${duration(Date.parse(last.time) - Date.parse(first.time))})`,
    `- **Outcome:** ${finished ? 'finished' : `not finished; last step ${journalText(lastStep.step)} (${journalText(lastStep.outcome)})`}`,
    ...(totals.passes > 0
      ? [
          `- **Rows re-encrypted:** ${totals.rotated} over ${totals.passes} live pass${totals.passes === 1 ? '' : 'es'} (failed: ${totals.failed})`,
        ]
      : []),
    '',
  ];
  const times = phaseTimes(entries);
  if (times.length > 0) {
    lines.push(
      '| Phase | Time |',
      '| --- | --- |',
      ...times.map(([phase, ms]) => `| ${cell(phase)} | ${duration(ms)} |`),
      '',
    );
  }
  lines.push(
    '| Time | Operator | Step | Outcome | Keys | Counts | Note |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const [i, e] of entries.entries()) {
    // "started" lines of steps that then report a result add nothing to an audit: keep results and decisions.
    if (e.outcome === 'started') continue;
    if (e.step === 'quit' && finished && i > finishedAt) {
      lines.push(
        `| ${cell(e.time)} | ${cell(e.operator)} | quit | ok | | | session closed after the rotation finished |`,
      );
      continue;
    }
    lines.push(
      `| ${cell(e.time)} | ${cell(e.operator)} | ${cell(e.step)} | ${cell(e.outcome)} | ${cell(formatKeys(e.keys))} | ${cell(formatCounts(e.counts))} | ${cell(e.message)} |`,
    );
  }
  lines.push('', ...credentialSection(entries));
  return lines;
}

/** Emergency: the credentials the leaked key protected, with the ticks the operator set. */
function credentialSection(entries: readonly JournalEntry[]): string[] {
  const listed = uniqueCredentials(entries.flatMap((e) => e.credentials ?? []));
  if (listed.length === 0) return [];
  const ticked = replayTicks(entries);
  const done = listed.filter((c) => ticked.has(credentialKey(c))).length;
  return [
    `### Credentials to rotate at their providers (${listed.length}, ${done} ticked as rotated)`,
    ...checklistMarkdownGroups(listed, ticked, '####'),
    '',
  ];
}

export function renderReport(entries: readonly JournalEntry[], problems: readonly JournalProblem[] = []): string {
  const out = ['# KEK rotation report', ''];
  if (entries.length === 0) out.push('The journal is empty: no rotation was recorded.', '');
  const order: string[] = [];
  const byRotation = new Map<string, JournalEntry[]>();
  for (const entry of entries) {
    if (!byRotation.has(entry.rotationId)) {
      order.push(entry.rotationId);
      byRotation.set(entry.rotationId, []);
    }
    byRotation.get(entry.rotationId)!.push(entry);
  }
  // Sessions that only read (a preflight, then quit or a resume under the rotation's own id) are
  // listed once, not as rotations: a resumed rotation is one section under its own id.
  const reads = order.filter((id) => onlyRead(byRotation.get(id)!));
  for (const id of order) if (!reads.includes(id)) out.push(...rotationSection(id, byRotation.get(id)!));
  if (reads.length > 0) {
    out.push(
      '## Sessions that only read',
      '',
      '| Started | Operator | Last step | Outcome |',
      '| --- | --- | --- | --- |',
    );
    for (const id of reads) {
      const lines = byRotation.get(id)!;
      const last = [...lines].reverse().find((e) => e.step !== 'quit') ?? lines[lines.length - 1]!;
      out.push(
        `| ${cell(lines[0]!.time)} | ${cell(lines[0]!.operator)} | ${cell(last.step)} | ${cell(last.outcome)} |`,
      );
    }
    out.push('');
  }
  if (problems.length > 0) {
    out.push(
      '## Journal problems',
      '',
      skippedLinesSentence(problems.map((p) => p.line)),
      '',
      ...problems.map((p) => `- line ${p.line}: ${journalText(p.reason)}`),
      '',
    );
  }
  out.push('_The journal records key ids, counts and outcomes only: never key material or decrypted values._', '');
  return out.join('\n');
}
