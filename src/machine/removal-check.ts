// The rule that guards phase 5: the old key may go only when no row is left on it (or on any other
// key but the new one) and every value decrypts with the new key alone. Pure, one sentence per reason.
import { failureTotal, type RunSummary } from '../engine/events.js';
import type { VerifyReport } from '../verify/verify-report.js';

export interface RemovalEvidence {
  newKeyId: string | undefined;
  secondDryRun: RunSummary | undefined;
  verifySql: VerifyReport | undefined;
  verifyDeep: VerifyReport | undefined;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Why the old key must stay; an empty list means removal is allowed. */
export function removalRefusals(e: RemovalEvidence): string[] {
  const out: string[] = [];
  if (!e.newKeyId) return ['The new key id is not known: run the verification from the start.'];
  if (!e.verifySql) out.push('The SQL verification has not run.');
  if (!e.verifyDeep) out.push('The deep check (every value decrypted with the new key alone) has not run.');
  if (e.secondDryRun) {
    const rotated = e.secondDryRun.tables.reduce((n, t) => n + t.rotated, 0);
    if (rotated > 0)
      out.push(`The second dry run still finds ${plural(rotated, 'row', 'rows')} to move onto ${e.newKeyId}.`);
    const unreadable = failureTotal(e.secondDryRun);
    if (unreadable > 0) {
      out.push(`The second dry run cannot read ${plural(unreadable, 'row', 'rows')}.`);
    }
  }
  for (const column of e.verifySql?.columns ?? []) {
    for (const [keyId, rows] of Object.entries(column.byKeyId)) {
      if (keyId !== e.newKeyId && rows > 0)
        out.push(`${column.label}: ${plural(rows, 'row is', 'rows are')} still on ${keyId}.`);
    }
    if (column.invalid > 0)
      out.push(
        `${column.label}: ${plural(column.invalid, 'row is', 'rows are')} not a valid payload and cannot be decrypted.`,
      );
  }
  for (const column of e.verifyDeep?.columns ?? []) {
    const deep = column.deep;
    if (deep && deep.failed > 0) {
      out.push(`${column.label}: ${deep.failed} of ${deep.checked} values do not decrypt with ${e.newKeyId} alone.`);
    }
  }
  return out;
}
