// Deploy requests and the check after each deploy: the tool must now hold exactly the keys the
// step asked for, or its next run would use the wrong ones. Ids only.
import {
  deployConfigFor,
  type DeployRequest,
  type DeployStage,
  type KeyConfigIds,
  type MachineError,
  type RunbookContext,
} from './contract.js';

export function describeIds(config: KeyConfigIds | undefined): string {
  if (!config) return 'no keys';
  return config.previousKeyId
    ? `primary ${config.primaryKeyId}, previous ${config.previousKeyId}`
    : `primary ${config.primaryKeyId}, no previous key`;
}

export function sameConfig(a: KeyConfigIds | undefined, b: KeyConfigIds | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.primaryKeyId === b.primaryKeyId &&
    (a.previousKeyId ?? undefined) === (b.previousKeyId ?? undefined)
  );
}

export function deployRequest(context: RunbookContext, stage: DeployStage): DeployRequest {
  const config = deployConfigFor(context, stage);
  if (!config) throw new Error(`deploy ${stage} requested before the new key id is known`);
  const keys = [config.primaryKeyId, config.previousKeyId]
    .map((id) => (id === undefined ? undefined : context.secretKeys[id]))
    .filter((key) => key !== undefined);
  return { stage, config, keys };
}

export function toolConfigMismatch(actual: KeyConfigIds, expected: KeyConfigIds | undefined): MachineError {
  return {
    message: `After the deploy, kek-rotate itself has ${describeIds(actual)}, but this step needs ${describeIds(expected)}.`,
    hint: 'Give kek-rotate the same SECRETS_ENCRYPTION_KEY / SECRETS_ENCRYPTION_KEY_PREVIOUS as the application (environment, .env or --env-file), then retry.',
  };
}
