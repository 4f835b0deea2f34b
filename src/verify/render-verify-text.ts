// Renders a VerifyReport for people: a small table per column, the SQL to paste into psql, and
// the verdict with its reasons. Text from rows (key ids, ids) is made printable first.
import { escapeUnsafe } from '../text/terminal-safe.js';
import type { ColumnReport, VerifyReport } from './verify-report.js';

const SHOWN_FAILURES = 10;

/** Control, bidi and line-breaking characters from a malformed row are shown as escapes (src/text/terminal-safe.ts). */
const printable = escapeUnsafe;

function line(name: string, count: number, note = ''): string {
  return `  ${name.padEnd(24)} ${String(count).padStart(10)}${note ? `  ${note}` : ''}`;
}

function keyNote(keyId: string, primary: string | undefined): string {
  if (primary === undefined) return '';
  return keyId === primary ? 'primary' : 'not on the primary';
}

function renderColumn(column: ColumnReport, primary: string | undefined): string[] {
  const out = [
    `${column.label}  (${column.table}, ${column.valueType})`,
    line('rows', column.total),
    line('NULL', column.nulls),
  ];
  const keyIds = Object.keys(column.byKeyId).sort();
  for (const keyId of keyIds)
    out.push(line(`on ${printable(keyId)}`, column.byKeyId[keyId] ?? 0, keyNote(keyId, primary)));
  out.push(line('not a valid payload', column.invalid, column.invalid > 0 ? 'unreadable by the application' : ''));
  const deep = column.deep;
  if (deep) {
    const what =
      deep.ring === 'primary-only'
        ? 'decrypt with the primary alone'
        : deep.ring === 'primary-rows'
          ? 'decrypt with it'
          : 'decrypt with the key ring';
    const checked =
      deep.ring === 'primary-rows'
        ? `${deep.checked} values on the primary checked`
        : `${deep.checked} non-NULL values checked`;
    out.push(`  ${checked}: ${deep.ok} ${what}, ${deep.failed} ${deep.failed === 1 ? 'does' : 'do'} not`);
    for (const f of deep.failures.slice(0, SHOWN_FAILURES))
      out.push(`    id ${printable(f.id)}: ${printable(f.reason)}`);
    if (deep.failed > SHOWN_FAILURES)
      out.push(`    ... and ${deep.failed - SHOWN_FAILURES} more (--json lists up to ${deep.failures.length})`);
  }
  out.push('', '  The counts above come from this read-only query (paste it into psql):', '');
  out.push(...column.sql.split('\n').map((l) => `    ${l}`));
  return out;
}

export function renderVerifyText(report: VerifyReport): string {
  const blocks = report.columns.map((c) => renderColumn(c, report.primaryKeyId).join('\n'));
  const verdict = report.passed
    ? ['Verification passed.']
    : ['Verification FAILED:', ...report.problems.map((p) => `  - ${printable(p)}`)];
  if (report.columns.length === 0) blocks.push('No encrypted columns to verify.');
  return [...blocks, verdict.join('\n')].join('\n\n') + '\n';
}
