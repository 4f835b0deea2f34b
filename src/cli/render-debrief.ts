// The rehearsal's texts on the normal screen, before and after the runbook's: the briefing, and the
// debrief (the verdict, each pass criterion, what happened to the rows, time per phase as the summary
// screen shows it, and the lesson). Wrapped at word boundaries for the terminal's width.
// Ids and key ids only: the debrief holds no value and no key.
import type { Scenario } from '../../runbook/scenarios/types.js';
import { formatPhaseDuration } from '../machine/phase-durations.js';
import type { Debrief } from '../sandbox/debrief.js';
import type { PhaseTiming } from '../sandbox/phase-timings.js';
import { safeText } from '../text/terminal-safe.js';

const MARK = { passed: 'PASS', failed: 'FAIL', 'not-checked': 'n/a ' } as const;
const SHOWN = 10;
export const DEFAULT_WIDTH = 80;
const MIN_WIDTH = 20;

/**
 * `text` broken into lines of at most `width` columns at spaces, the first line after `first`, the
 * others after `rest` (a hanging indent). A word longer than a line is cut, never left overflowing.
 */
export function wrapText(text: string, width: number, first = '', rest = first): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  const room = (prefix: string) => Math.max(1, Math.max(MIN_WIDTH, width) - prefix.length);
  for (let word of text.split(/\s+/).filter((w) => w !== '')) {
    for (;;) {
      const prefix = lines.length === 0 ? first : rest;
      const used = line.length - prefix.length;
      const needed = (empty ? 0 : 1) + word.length;
      if (used + needed <= room(prefix)) {
        line += (empty ? '' : ' ') + word;
        empty = false;
        break;
      }
      if (!empty) {
        lines.push(line);
        line = rest;
        empty = true;
        continue;
      }
      // A word longer than a whole line: cut it.
      line += word.slice(0, room(prefix));
      word = word.slice(room(prefix));
      lines.push(line);
      line = rest;
      if (word === '') break;
    }
  }
  if (!empty || lines.length === 0) lines.push(line);
  return lines;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

function idList(ids: readonly string[]): string {
  const shown = ids.slice(0, SHOWN).join(', ');
  return ids.length > SHOWN ? `${shown} and ${ids.length - SHOWN} more` : shown;
}

/** "Time per phase: preflight 0:05 · generate 0:12", as the summary screen writes it; one line per session. */
function phaseLines(phases: readonly PhaseTiming[]): string[] {
  const sessions = new Map<string | undefined, PhaseTiming[]>();
  for (const p of phases) sessions.set(p.session, [...(sessions.get(p.session) ?? []), p]);
  return [...sessions].map(([session, list]) => {
    const times = list.map((p) => `${safeText(p.phase)} ${formatPhaseDuration(p.ms)}`).join(' · ');
    return `Time per phase${session ? ` (${safeText(session)})` : ''}: ${times}`;
  });
}

/** What the trainee reads before the runbook starts: the situation and the goal, not the answer. */
export function renderBriefing(scenario: Scenario, width = DEFAULT_WIDTH): string {
  const lines = [
    ...wrapText(`Rehearsal: ${scenario.title}`, width),
    ...wrapText(`Goal: ${scenario.goal}`, width, '', '      '),
    '',
    ...scenario.briefing.flatMap((paragraph) => wrapText(paragraph, width, '  ')),
  ];
  return `${lines.join('\n')}\n`;
}

export function renderDebrief(report: Debrief, width = DEFAULT_WIDTH): string {
  const lines: string[] = [];
  const wrap = (text: string, first = '', rest = first) => lines.push(...wrapText(text, width, first, rest));
  const title = report.scenario ? `${report.scenario.title} (${report.scenario.name})` : 'Rehearsal';
  wrap(`Debrief: ${title}: ${report.passed ? 'PASSED' : 'FAILED'} in ${duration(report.elapsedMs)}`);
  if (report.scenario) wrap(`Goal: ${report.scenario.goal}`, '', '      ');
  lines.push('', 'Criteria:');
  for (const c of report.criteria) {
    wrap(c.description, `  [${MARK[c.outcome]}] `, ' '.repeat(9));
    if (c.detail) wrap(safeText(c.detail), ' '.repeat(9));
  }
  const byKey =
    Object.entries(report.rows.byKeyId)
      .map(([id, n]) => `${n} on ${id}`)
      .join(', ') || 'none encrypted';
  lines.push('');
  wrap(
    `Rows: ${report.rows.total} (${safeText(byKey)}; ${report.rows.nulls} without a key); target key ${safeText(report.rows.targetKeyId)}`,
    '',
    '  ',
  );
  const facts: [string, readonly string[]][] = [
    ['Values lost (not what the application last wrote)', report.lostWrites],
    ['Rows gone without the application deleting them', report.missingRows],
    ['Rows no key decrypts', report.unreadable.map((u) => `${u.id} (${u.problem})`)],
    ['Rows left on another key', report.leftOnOldKey.map((r) => `${r.id} (${r.keyId ?? '?'})`)],
    [
      'Rows the deployed configuration cannot read',
      report.strandedByDeployedConfig.map((r) => `${r.id} (${r.keyId ?? '?'})`),
    ],
  ];
  for (const [label, ids] of facts)
    wrap(`${label}: ${ids.length === 0 ? 'none' : safeText(idList(ids))}`, '  ', '    ');
  if (report.replicaReadFailures.length > 0) {
    lines.push('  Replica read failures:');
    for (const r of report.replicaReadFailures)
      wrap(`${safeText(r.replica)}: ${r.count} (values under ${safeText(r.keyIds.join(', '))})`, '    ', '      ');
  } else {
    lines.push('  Replica read failures: none');
  }
  if (report.phases.length > 0) {
    lines.push('');
    for (const line of phaseLines(report.phases)) wrap(line, '', '  ');
  }
  if (report.credentialsToRotate.length > 0) {
    lines.push('');
    wrap(
      `Credentials to rotate at their providers (readable with the leaked key): ${report.credentialsToRotate.length}`,
    );
    for (const c of report.credentialsToRotate)
      wrap(`${safeText(c.name)} (${safeText(c.providerType)}) id ${c.id}`, '  ', '    ');
  }
  if (report.lessons.length > 0) {
    lines.push('', 'Lesson:');
    for (const l of report.lessons) wrap(l.text, '  - ', '    ');
  }
  return `${lines.join('\n')}\n`;
}
