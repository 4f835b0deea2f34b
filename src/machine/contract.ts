// The public contract of the runbook machine, in one import: its steps (steps.ts), the context the
// UI reads (context.ts), the events (events.ts) and the effects it needs (effect-types.ts), plus a
// few pure helpers for renderers. Types and pure functions only; no XState, no React.
import { DatabaseError, ExternalProcessError, KekRotateError, UserError } from '../errors.js';
import type { StepId } from './steps.js';
import type { ColumnInventory, DeployStage, KeyConfigIds } from './effect-types.js';
import type { MachineError, RunbookContext } from './context.js';

export * from './steps.js';
export * from './effect-types.js';
export * from './context.js';
export * from './events.js';
export { SecretKey } from '../crypto/secret-key.js';

/** The configuration a deploy stage asks for (ids), or undefined when the keys are not known yet. */
export function deployConfigFor(
  ctx: Pick<RunbookContext, 'newKeyId' | 'oldKeyId'>,
  stage: DeployStage,
): KeyConfigIds | undefined {
  const { newKeyId, oldKeyId } = ctx;
  switch (stage) {
    case '2a':
      return oldKeyId && newKeyId ? { primaryKeyId: oldKeyId, previousKeyId: newKeyId } : undefined;
    case 'both':
    case '2b':
    case 'rollback':
    case 'emergency-both':
      return newKeyId ? { primaryKeyId: newKeyId, previousKeyId: oldKeyId } : undefined;
    case 'remove':
    case 'emergency-remove':
      return newKeyId ? { primaryKeyId: newKeyId } : undefined;
    default: {
      const never: never = stage;
      throw new Error(`unknown deploy stage ${String(never)}`);
    }
  }
}

/** The deploy stage a step shows snippets for, if any. */
export function deployStageOfStep(step: StepId): DeployStage | undefined {
  const map: Partial<Record<StepId, DeployStage>> = {
    'deploy.both': 'both',
    'deploy.stageA': '2a',
    'deploy.stageB': '2b',
    'remove.confirmDeploy': 'remove',
    'rollback.readdOld': 'rollback',
    'emergency.deployBoth': 'emergency-both',
    'emergency.removeDeploy': 'emergency-remove',
  };
  return map[step];
}

/** Rows per key id summed over every column. */
export function rowsByKeyId(columns: readonly ColumnInventory[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const column of columns) {
    for (const [keyId, n] of Object.entries(column.byKeyId)) out[keyId] = (out[keyId] ?? 0) + n;
  }
  return out;
}

/** The error shape of the context, from anything thrown (message + hint of UserError and friends). */
export function toMachineError(error: unknown): MachineError {
  if (error instanceof Error) {
    const hint = error instanceof KekRotateError ? error.hint : undefined;
    const cause =
      error instanceof UserError
        ? 'user'
        : error instanceof DatabaseError
          ? 'database'
          : error instanceof ExternalProcessError
            ? 'external'
            : undefined;
    return { message: error.message, hint, ...(cause ? { cause } : {}) };
  }
  return { message: String(error) };
}
