// How an interactive session that did not finish ends: with the code of its cause, and a hint that
// names the exact next command and the variables it needs (names only, never values).
import { CancelledError, DatabaseError, ExternalProcessError, UserError } from '../errors.js';
import type { RunbookContext, StepId } from '../machine/contract.js';
import { describeWrongKey, verdictOf } from '../engine/prove-keys.js';

/** The part of the machine's context the ending is decided from (no keys in it). */
export type SessionEndContext = Pick<RunbookContext, 'newKeyId' | 'oldKeyId' | 'configured' | 'deployed' | 'keyFile' | 'error' | 'path' | 'resumePoint' | 'keyProofs'>;

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
export function sessionLeftError(command: string, lastStep: StepId | undefined, ctx: SessionEndContext | undefined): Error {
  if (beforeAnyChange(lastStep)) {
    const error = ctx?.error;
    const wrongKeys = (ctx?.keyProofs ?? []).filter((proof) => verdictOf(proof) === 'wrong-key').map(describeWrongKey);
    const said = error ? `${error.message}. ` : wrongKeys.length > 0 ? `${wrongKeys.join('; ')}. ` : '';
    const nothing = 'Nothing was changed: preflight only reads.';
    if (error?.cause === 'database') return new DatabaseError(`${said}${nothing}`, error.hint);
    if (error?.cause === 'external') return new ExternalProcessError(`${said}${nothing}`);
    if (error?.cause === 'user' || lastStep === 'preflight.wrongKey' || lastStep === 'preflight.blocked') {
      return new UserError(`the runbook stopped at ${lastStep ?? 'preflight'}: ${said}${nothing}`, error?.hint ?? `fix what the screen said, then run \`${command}\` again.`);
    }
    return new CancelledError(`the runbook was left at ${lastStep ?? 'preflight'}. ${nothing}`, `run \`${command}\` again when you are ready.`);
  }
  return new CancelledError(
    `the runbook was left at ${lastStep}; every row is on its old key or the new one and decrypts`,
    ctx ? nextCommandHint(command, ctx) : `run \`${command}\` again to continue.`,
  );
}
