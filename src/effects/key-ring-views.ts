// Small views of a key ring for the machine: the configuration by ids, the keys as SecretKey
// (material hidden from every serialised form), and whether two rings hold the same keys.
import type { KeyRing } from '../crypto/key-ring.js';
import type { Kek } from '../crypto/key.js';
import { SecretKey, type KeyConfigIds } from '../machine/contract.js';

export function configIdsOf(ring: KeyRing): KeyConfigIds {
  return { primaryKeyId: ring.primary.id, previousKeyId: ring.previous?.id };
}

/** Every key of the ring (primary, previous, archived), for the machine's snippets. */
export function secretKeysOf(ring: KeyRing): SecretKey[] {
  return [ring.primary, ring.previous, ...ring.archived]
    .filter((k): k is Kek => k !== undefined)
    .map((k) => new SecretKey(k));
}

export function sameKey(a: Kek | undefined, b: Kek | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.id === b.id && a.bytes.equals(b.bytes);
}

/** Same primary and previous, material included (archived keys do not count: they decrypt only). */
export function sameConfiguredKeys(a: KeyRing, b: KeyRing): boolean {
  return sameKey(a.primary, b.primary) && sameKey(a.previous, b.previous);
}
