// The rehearsal's debrief as plain text for the terminal after the runbook screen is gone: the
// verdict, each pass criterion, what happened to the rows, time per phase, and the lesson.
// Ids and key ids only: the debrief holds no value and no key.
import type { Debrief } from '../sandbox/debrief.js';
import { safeText } from '../text/terminal-safe.js';

const MARK = { passed: 'PASS', failed: 'FAIL', 'not-checked': 'n/a ' } as const;
const SHOWN = 10;

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

function idList(ids: readonly string[]): string {
  const shown = ids.slice(0, SHOWN).join(', ');
  return ids.length > SHOWN ? `${shown} and ${ids.length - SHOWN} more` : shown;
}

export function renderDebrief(report: Debrief): string {
  const lines: string[] = [];
  const title = report.scenario ? `${report.scenario.title} (${report.scenario.name})` : 'Rehearsal';
  lines.push(`Debrief: ${title}: ${report.passed ? 'PASSED' : 'NOT PASSED'} in ${duration(report.elapsedMs)}`);
  if (report.scenario) lines.push(`Goal: ${report.scenario.goal}`);
  lines.push('', 'Criteria:');
  for (const c of report.criteria) {
    lines.push(`  [${MARK[c.outcome]}] ${c.description}`);
    if (c.detail) lines.push(`         ${safeText(c.detail)}`);
  }
  const byKey = Object.entries(report.rows.byKeyId).map(([id, n]) => `${n} on ${id}`).join(', ') || 'none encrypted';
  lines.push('', `Rows: ${report.rows.total} (${byKey}; ${report.rows.nulls} without a key); target key ${report.rows.targetKeyId}`);
  const facts: [string, readonly string[]][] = [
    ['Values lost (not what the application last wrote)', report.lostWrites],
    ['Rows gone without the application deleting them', report.missingRows],
    ['Rows no key decrypts', report.unreadable.map((u) => `${u.id} (${u.problem})`)],
    ['Rows left on another key', report.leftOnOldKey.map((r) => `${r.id} (${r.keyId ?? '?'})`)],
    ['Rows the deployed configuration cannot read', report.strandedByDeployedConfig.map((r) => `${r.id} (${r.keyId ?? '?'})`)],
  ];
  for (const [label, ids] of facts) lines.push(`  ${label}: ${ids.length === 0 ? 'none' : safeText(idList(ids))}`);
  if (report.replicaReadFailures.length > 0) {
    lines.push('  Replica read failures:');
    for (const r of report.replicaReadFailures) lines.push(`    ${safeText(r.replica)}: ${r.count} (values under ${r.keyIds.join(', ')})`);
  } else {
    lines.push('  Replica read failures: none');
  }
  if (report.phases.length > 0) {
    lines.push('', 'Time per phase:');
    for (const p of report.phases) lines.push(`  ${safeText(p.phase).padEnd(12)} ${duration(p.ms)}`);
  }
  if (report.credentialsToRotate.length > 0) {
    lines.push('', `Credentials to rotate at their providers (readable with the leaked key): ${report.credentialsToRotate.length}`);
    for (const c of report.credentialsToRotate) lines.push(`  ${safeText(c.name)} (${safeText(c.providerType)}) id ${c.id}`);
  }
  if (report.lesson) lines.push('', `Lesson: ${report.lesson}`);
  return `${lines.join('\n')}\n`;
}
