// The variables a key configuration becomes, in the order the application reads them. Every
// snippet format renders this list, so the formats cannot disagree about names or values.
import { formatKey, type Kek } from '../crypto/key.js';
import { PREVIOUS_VAR, PRIMARY_VAR } from '../crypto/key-ring.js';

/** What the application should be deployed with: a primary key and, during a rotation, one previous key. */
export interface KeyConfig {
  readonly primary: Kek;
  readonly previous?: Kek | undefined;
}

export interface EnvEntry {
  readonly name: string;
  /** The value exactly as the application reads it, or, when masked, a stand-in that holds no key material. */
  readonly value: string;
  readonly keyId: string;
}

export interface RenderOptions {
  /** Replace key material with a stand-in (for screens before the operator reveals the key). */
  readonly mask?: boolean | undefined;
}

export const MASK = '•'.repeat(12);

/** Key material never leaves here unless `mask` is false: a masked value keeps only the key id. */
export function envEntries(config: KeyConfig, options: RenderOptions = {}): EnvEntry[] {
  const value = (key: Kek) => (options.mask ? `${key.id}:${MASK}` : formatKey(key));
  const entries: EnvEntry[] = [{ name: PRIMARY_VAR, value: value(config.primary), keyId: config.primary.id }];
  if (config.previous) entries.push({ name: PREVIOUS_VAR, value: value(config.previous), keyId: config.previous.id });
  return entries;
}

/** The previous-key variable when the configuration has none: snippets must say to remove it. */
export function removedNames(config: KeyConfig): string[] {
  return config.previous ? [] : [PREVIOUS_VAR];
}

/** One line describing the configuration, e.g. "primary kek-v2, previous kek-v1 (decrypt only)". */
export function describeConfig(config: KeyConfig): string {
  const primary = `primary ${config.primary.id}`;
  return config.previous ? `${primary}, previous ${config.previous.id} (decrypt only)` : `${primary}, no previous key`;
}
