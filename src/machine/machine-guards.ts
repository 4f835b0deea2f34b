// The conditions the runbook machine checks before a transition, by name. The runbook's text
// (runbook/guards.ts) explains the ones an operator meets, keyed by these same names, so a rule
// renamed or removed here is a compile error there.
import type { VerifyReport } from '../verify/verify-report.js';
import { verdictOf } from '../engine/prove-keys.js';
import { deployConfigFor, type DeployStage, type KeyConfigIds, type RunbookContext } from './contract.js';
import { sameConfig } from './deploy-check.js';
import { removalRefusals } from './removal-check.js';

type Ctx = RunbookContext;
type Args = { context: Ctx };

export const machineGuards = {
  hasStray: ({ context }: Args) => context.stray.length > 0,
  hasWrongKey: ({ context }: Args) => context.keyProofs.some((proof) => verdictOf(proof) === 'wrong-key'),
  emergencyCanStart: ({ context }: Args) =>
    context.emergencyRequested && context.configured?.previousKeyId === undefined,
  hasResumeTarget: ({ context }: Args) => context.resumeTarget !== undefined,
  canStartFresh: ({ context }: Args) => context.configured?.previousKeyId === undefined,
  canRollbackStray: ({ context }: Args) =>
    context.stray.length === 1 && context.configured?.previousKeyId === undefined,
  keySaved: ({ context }: Args) => context.keyShown || context.keyFile !== undefined,
  removalAllowed: ({ context }: Args) => context.refusals.length === 0 && context.verifyDeep !== undefined,
  isEmergency: ({ context }: Args) => context.path === 'emergency',
  credentialListingSettled: ({ context }: Args) =>
    context.credentialListing === 'done' || context.credentialListing === 'failed',
  resumeAt: ({ context }: Args, params: { target: Ctx['resumeTarget'] }) => context.resumeTarget === params.target,
  emergencyResumeAt: ({ context }: Args, params: { target: Ctx['resumeTarget'] }) =>
    context.path === 'emergency' && context.resumeTarget === params.target,
  bothDeployed: ({ context }: Args) => sameConfig(context.configured, deployConfigFor(context, 'both')),
  stageADeployed: ({ context }: Args) => sameConfig(context.configured, deployConfigFor(context, '2a')),
  hasNewKey: ({ context }: Args) => context.newKeyId !== undefined,
  deployMatches: ({ context }: Args, params: { stage: DeployStage; toolConfig: KeyConfigIds }) =>
    sameConfig(params.toolConfig, deployConfigFor(context, params.stage)),
  verifyClean: ({ context }: Args, params: { report: VerifyReport }) =>
    removalRefusals({ ...context, verifyDeep: params.report }).length === 0,
  allOnNewKey: ({ context }: Args, params: { report: VerifyReport }) =>
    notMigrated(context.newKeyId, params.report) === 0,
};

/** Every guard the machine has; the runbook's rule sentences are keyed by these. */
export type MachineGuardName = keyof typeof machineGuards;

/** Rows not on the new key (or invalid) after removal: data the application can no longer read. */
export function notMigrated(
  newKeyId: string | undefined,
  report: { columns: { byKeyId: Record<string, number>; invalid: number }[] },
): number {
  return report.columns.reduce(
    (n, c) => n + c.invalid + Object.entries(c.byKeyId).reduce((m, [id, rows]) => m + (id === newKeyId ? 0 : rows), 0),
    0,
  );
}
