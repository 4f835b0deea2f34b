// The sandbox side of the runbook's "deploy" effect: a configuration named by key ids (as the
// machine's DeployRequest carries it) resolved to keys and applied to the simulated application.
import type { Kek } from '../crypto/key.js';
import { UserError } from '../errors.js';
import type { Sandbox } from './sandbox.js';

export interface KeyIdsConfig {
  readonly primaryKeyId: string;
  readonly previousKeyId?: string | undefined;
}

function resolve(sandbox: Sandbox, id: string, keys: readonly Kek[]): Kek {
  const key = keys.find((k) => k.id === id) ?? sandbox.keys.get(id) ?? sandbox.archivedKeys.find((k) => k.id === id);
  if (!key) {
    throw new UserError(
      `cannot deploy ${id} to the rehearsal application: no such key in this session`,
      'Generate the key first (phase 1), or give the archived key file.',
    );
  }
  return key;
}

/** Applies the configuration and returns what the application now runs (ids only). */
export async function applyDeployByIds(
  sandbox: Sandbox,
  config: KeyIdsConfig,
  keys: readonly Kek[] = [],
): Promise<KeyIdsConfig> {
  const primary = resolve(sandbox, config.primaryKeyId, keys);
  const previous = config.previousKeyId === undefined ? undefined : resolve(sandbox, config.previousKeyId, keys);
  await sandbox.applyDeploy({ primary, previous });
  return { primaryKeyId: sandbox.deployed.primary.id, previousKeyId: sandbox.deployed.previous?.id };
}
