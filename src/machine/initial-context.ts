// The machine's context at start, from its input. Everything here is plain data except
// `secretKeys`, whose SecretKey values hide their material from JSON and inspect.
import type { RunbookContext, RunbookInput } from './contract.js';
import { emptyProgress } from './engine-progress.js';

export function initialContext(input: RunbookInput): RunbookContext {
  return {
    rotationId: input.rotationId,
    mode: input.mode ?? 'reencrypt',
    path: input.emergency ? 'emergency' : undefined,
    emergencyRequested: Boolean(input.emergency),
    configured: undefined,
    newKeyId: undefined,
    oldKeyId: undefined,
    inventory: [],
    warnings: [],
    stray: [],
    keyProofs: [],
    countsReadAt: undefined,
    movedSoFar: 0,
    movedEarlier: 0,
    resumePoint: undefined,
    resumeTarget: undefined,
    keyRevealed: false,
    keyShown: false,
    keyFile: undefined,
    deployPlan: undefined,
    deployed: [],
    engine: emptyProgress(),
    dryRun: undefined,
    live: undefined,
    secondDryRun: undefined,
    failures: [],
    verifySql: undefined,
    verifyDeep: undefined,
    refusals: [],
    credentials: [],
    credentialListing: 'idle',
    credentialListingError: undefined,
    credentialsAdded: 0,
    ticked: [],
    checklistFiles: undefined,
    checklistFilesError: undefined,
    error: undefined,
    failedStep: undefined,
    phaseStartedAt: {},
    secretKeys: {},
  };
}
