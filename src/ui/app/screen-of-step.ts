// Which screen draws a step, and for deploy screens which configuration. One table, so a new
// step id in the contract fails to compile here until it is given a screen.
import type { DeployStage, RunbookContext, StepId } from '../../machine/contract.js';

export type ScreenKind =
  | { kind: 'preflight' }
  | { kind: 'generate' }
  | { kind: 'deploy-choose' }
  | { kind: 'deploy'; stage: DeployStage }
  | { kind: 'reencrypt' }
  | { kind: 'verify' }
  | { kind: 'stopped' }
  | { kind: 'summary' };

function deployFailedStage(ctx: RunbookContext): DeployStage {
  if (ctx.deployPlan !== 'staged') return 'both';
  return ctx.deployed.includes('2a') ? '2b' : '2a';
}

export function screenOf(step: StepId, ctx: RunbookContext): ScreenKind {
  switch (step) {
    case 'preflight.loading':
    case 'preflight.readingJournal':
    case 'preflight.failed':
    case 'preflight.blocked':
    case 'preflight.wrongKey':
    case 'preflight.needKey':
    case 'preflight.loadingKey':
    case 'preflight.resumeOffer':
    case 'preflight.ready':
      return { kind: 'preflight' };
    case 'generate.creating':
    case 'generate.show':
    case 'generate.writingFile':
    case 'generate.failed':
    case 'emergency.generating':
    case 'emergency.show':
    case 'emergency.writingFile':
      return { kind: 'generate' };
    case 'deploy.choose':
      return { kind: 'deploy-choose' };
    case 'deploy.both':
    case 'deploy.applyingBoth':
      return { kind: 'deploy', stage: 'both' };
    case 'deploy.stageA':
    case 'deploy.applyingA':
      return { kind: 'deploy', stage: '2a' };
    case 'deploy.stageB':
    case 'deploy.applyingB':
      return { kind: 'deploy', stage: '2b' };
    case 'deploy.failed':
      return { kind: 'deploy', stage: deployFailedStage(ctx) };
    case 'rollback.readdOld':
    case 'rollback.applying':
    case 'rollback.failed':
      return { kind: 'deploy', stage: 'rollback' };
    case 'remove.confirmDeploy':
    case 'remove.applying':
    case 'remove.failed':
      return { kind: 'deploy', stage: 'remove' };
    case 'emergency.deployBoth':
    case 'emergency.applying':
      return { kind: 'deploy', stage: 'emergency-both' };
    case 'emergency.removeDeploy':
    case 'emergency.applyingRemoval':
      return { kind: 'deploy', stage: 'emergency-remove' };
    case 'reencrypt.dryRun':
    case 'reencrypt.dryRunReview':
    case 'reencrypt.live':
    case 'reencrypt.paused':
    case 'reencrypt.liveReview':
    case 'reencrypt.failed':
    case 'verify.secondDryRun':
    case 'emergency.reencrypting':
      return { kind: 'reencrypt' };
    case 'verify.counting':
    case 'verify.deepCheck':
    case 'verify.passed':
    case 'verify.refused':
    case 'verify.failed':
    case 'remove.checking':
    case 'remove.notMigrated':
    case 'emergency.counting':
    case 'emergency.deepCheck':
    case 'emergency.refused':
      return { kind: 'verify' };
    case 'stopped.safe':
      return { kind: 'stopped' };
    case 'emergency.failed':
    case 'emergency.waitingForList':
    case 'emergency.completingList':
    case 'emergency.checklist':
    case 'done.summary':
    case 'quit':
      return { kind: 'summary' };
    default: {
      const _exhaustive: never = step;
      return _exhaustive;
    }
  }
}

/** What a deploy stage is called on screen, with the key ids (the runbook text says the rest). */
export function deployLabel(stage: DeployStage, newId: string, oldId: string): string {
  switch (stage) {
    case 'both':
      return `Both keys, runbook order: ${newId} primary now, ${oldId} previous`;
    case '2a':
      return `Step 2a of 2: add ${newId} as decrypt-only previous (${oldId} stays primary)`;
    case '2b':
      return `Step 2b of 2: swap: ${newId} primary, ${oldId} previous`;
    case 'remove':
      return `Remove ${oldId}: ${newId} alone, archive ${oldId} separately first`;
    case 'rollback':
      return `Rollback: re-add ${oldId} as previous, then re-encrypt and verify`;
    case 'emergency-both':
      return `Emergency: ${newId} primary, compromised ${oldId} previous, at once`;
    case 'emergency-remove':
      return `Remove the compromised ${oldId}: ${newId} alone`;
    default: {
      const _exhaustive: never = stage;
      return _exhaustive;
    }
  }
}
