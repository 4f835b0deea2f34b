// A deployed configuration of the simulated application: the keys one replica has, exactly what
// SECRETS_ENCRYPTION_KEY and SECRETS_ENCRYPTION_KEY_PREVIOUS would hold.
import { makeKeyRing, PREVIOUS_VAR, PRIMARY_VAR, type KeyRing } from '../crypto/key-ring.js';
import { formatKey, type Kek } from '../crypto/key.js';

export interface DeployConfig {
  readonly primary: Kek;
  readonly previous?: Kek | undefined;
}

/** The ring a replica decrypts with; throws UserError on a duplicate id, as the application refuses to start. */
export function ringOf(config: DeployConfig): KeyRing {
  return makeKeyRing(config.primary, config.previous);
}

/** `kek-v2 (+ kek-v1)`: safe to show, no key material. */
export function describeConfig(config: DeployConfig): string {
  return config.previous ? `${config.primary.id} (+ previous ${config.previous.id})` : config.primary.id;
}

export function keyIdsOf(config: DeployConfig): string[] {
  return config.previous ? [config.primary.id, config.previous.id] : [config.primary.id];
}

/** The environment the application would be started with. Holds key material: never print it. */
export function environmentOf(config: DeployConfig): Record<string, string> {
  const env: Record<string, string> = { [PRIMARY_VAR]: formatKey(config.primary) };
  if (config.previous) env[PREVIOUS_VAR] = formatKey(config.previous);
  return env;
}
