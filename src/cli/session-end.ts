// How an interactive session that did not finish ends: with the code of its cause, and a hint that
// names the exact next command and the variables it needs (names only, never values).
import { CancelledError, DatabaseError, ExternalProcessError, UserError } from '../errors.js';
import type { ColumnInventory, RunbookContext, StepId } from '../machine/contract.js';
import { describeWrongKey, verdictOf } from '../engine/prove-keys.js';

/** The part of the machine's context the ending is decided from (no keys in it). */
export type SessionEndContext = Pick<
  RunbookContext,
  | 'newKeyId'
  | 'oldKeyId'
  | 'configured'
  | 'deployed'
  | 'keyFile'
  | 'error'
  | 'path'
  | 'resumePoint'
  | 'keyProofs'
  | 'movedSoFar'
>;

/** Whether a session that ended at `lastStep` may have changed anything (then it gets a summary). */
export function mayHaveChanged(lastStep: StepId | undefined): boolean {
  return !beforeAnyChange(lastStep);
}

const number = new Intl.NumberFormat('en-US');

/**
 * The summary printed when a session is left mid-rotation: what this session moved, and the rows per
 * key id read from the database after the screen closed (with the time), or why they could not be.
 */
export function leftSummary(
  ctx: SessionEndContext,
  counts: readonly ColumnInventory[] | Error,
  readAt: Date,
): string[] {
  const lines = [`Moved onto ${ctx.newKeyId ?? 'the new key'} in this session: ${number.format(ctx.movedSoFar)} rows.`];
  if (counts instanceof Error) {
    lines.push(`Rows per key now: could not be read (${counts.message}); run \`kek-rotate verify\` to count them.`);
    return lines;
  }
  for (const column of counts) {
    const parts = Object.entries(column.byKeyId).map(([keyId, rows]) => `${keyId} ${number.format(rows)}`);
    if (column.nulls > 0) parts.push(`NULL ${number.format(column.nulls)}`);
    if (column.invalid > 0) parts.push(`invalid ${number.format(column.invalid)}`);
    lines.push(
      `Rows per key now in ${column.label} (read at ${readAt.toISOString().slice(11, 19)} UTC): ${parts.join(', ') || 'none'}.`,
    );
  }
  return lines;
}

/** Steps at which nothing was changed yet: the keys and the database were only read. */
function beforeAnyChange(step: StepId | undefined): boolean {
  return step === undefined || step.startsWith('preflight.');
}

/** The command to run next, with the variables it needs, for a rotation that was left under way. */
export function nextCommandHint(command: string, ctx: SessionEndContext): string {
  const newId = ctx.newKeyId;
  const oldId = ctx.oldKeyId;
  if (newId === undefined || oldId === undefined) return `run \`${command}\` again to continue.`;
  const where = ctx.keyFile ?? ctx.resumePoint?.keyFile;
  const newKeySource = where ? `your secrets manager, or ${where}` : 'your secrets manager';
  if (ctx.deployed.length === 0) {
    return `${newId} was generated but not deployed: run \`${command}\` again; it offers to continue at the deploy step (${newId} is in ${newKeySource}).`;
  }
  const both = `SECRETS_ENCRYPTION_KEY=${newId} and SECRETS_ENCRYPTION_KEY_PREVIOUS=${oldId}`;
  return (
    `keep the application on ${both}, and run \`${command}\` again with the same variables set (values from ${newKeySource}); ` +
    `with its environment as it is now, it asks for the ${newId} key file and continues where the rotation stands.`
  );
}

/**
 * The error a session that was left (not finished) ends with. A stop before anything changed exits
 * with the code of its cause (a key or flag problem: 2, the database: 3) and says nothing changed;
 * a stop later is a cancel (130) with the next command.
 */
export function sessionLeftError(
  command: string,
  lastStep: StepId | undefined,
  ctx: SessionEndContext | undefined,
): Error {
  if (beforeAnyChange(lastStep)) {
    const error = ctx?.error;
    const wrongKeys = (ctx?.keyProofs ?? []).filter((proof) => verdictOf(proof) === 'wrong-key').map(describeWrongKey);
    const said = error ? `${error.message}. ` : wrongKeys.length > 0 ? `${wrongKeys.join('; ')}. ` : '';
    const nothing = 'Nothing was changed: preflight only reads.';
    if (error?.cause === 'database') return new DatabaseError(`${said}${nothing}`, error.hint);
    if (error?.cause === 'external') return new ExternalProcessError(`${said}${nothing}`);
    if (error?.cause === 'user' || lastStep === 'preflight.wrongKey' || lastStep === 'preflight.blocked') {
      return new UserError(
        `the runbook stopped at ${lastStep ?? 'preflight'}: ${said}${nothing}`,
        error?.hint ?? `fix what the screen said, then run \`${command}\` again.`,
      );
    }
    return new CancelledError(
      `the runbook was left at ${lastStep ?? 'preflight'}. ${nothing}`,
      `run \`${command}\` again when you are ready.`,
    );
  }
  return new CancelledError(
    `the runbook was left at ${lastStep}; every row is on its old key or the new one and decrypts`,
    ctx ? nextCommandHint(command, ctx) : `run \`${command}\` again to continue.`,
  );
}
