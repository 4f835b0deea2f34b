// The keys a run may use: the primary (all new encryptions), at most one previous (decrypt only,
// as the application allows), and archived decrypt-only keys for disaster recovery.
import { readFileSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import { UserError } from '../errors.js';
import { parseKey, type Kek } from './key.js';

export const PRIMARY_VAR = 'SECRETS_ENCRYPTION_KEY';
export const PREVIOUS_VAR = 'SECRETS_ENCRYPTION_KEY_PREVIOUS';

export interface KeyRing {
  readonly primary: Kek;
  readonly previous: Kek | undefined;
  readonly archived: readonly Kek[];
  /** The key with this id, or undefined. */
  get(id: string): Kek | undefined;
  /** Every id, primary first, then previous, then archived. */
  ids(): string[];
}

/** Where a key of the ring came from, for messages (never its bytes). */
function sourceOf(key: Kek, role: 'primary' | 'previous' | 'archived'): string {
  if (role === 'primary') return `${PRIMARY_VAR} (${key.id})`;
  if (role === 'previous') return `${PREVIOUS_VAR} (${key.id})`;
  return `the archived key ${key.id}`;
}

/**
 * Refuses a ring in which two ids hold the same 32 bytes. That is never a rotation: after a leak,
 * the "rotated" rows would still open with the leaked key (e.g. kek-v2 set to kek-v1's bytes).
 */
function refuseSameBytes(keys: readonly { key: Kek; source: string }[]): void {
  for (let i = 0; i < keys.length; i++) {
    for (let j = i + 1; j < keys.length; j++) {
      const a = keys[i]!;
      const b = keys[j]!;
      if (a.key.bytes.length === b.key.bytes.length && timingSafeEqual(a.key.bytes, b.key.bytes)) {
        throw new UserError(
          `${a.source} and ${b.source} hold the same key bytes under different ids`,
          'A new key id must come with new key material: generate one with `kek-rotate generate-key` and deploy it as the primary. ' +
            'Rows "rotated" to the same bytes would still open with the old (possibly leaked) key.',
        );
      }
    }
  }
}

/** A key about to join `ring` (a freshly generated one) must not repeat any of its keys' bytes. */
export function assertFreshMaterial(key: Kek, ring: KeyRing | undefined): void {
  if (!ring) return;
  refuseSameBytes([
    { key, source: `the new key ${key.id}` },
    { key: ring.primary, source: sourceOf(ring.primary, 'primary') },
    ...(ring.previous ? [{ key: ring.previous, source: sourceOf(ring.previous, 'previous') }] : []),
    ...ring.archived.map((k) => ({ key: k, source: sourceOf(k, 'archived') })),
  ]);
}

export function makeKeyRing(primary: Kek, previous?: Kek, archived: readonly Kek[] = []): KeyRing {
  const byId = new Map<string, Kek>();
  const add = (key: Kek, source: string) => {
    if (byId.has(key.id)) {
      throw new UserError(
        `${source}: key id ${key.id} is already used by another configured key`,
        'Every key needs its own id: the application refuses to start on a duplicate key id.',
      );
    }
    byId.set(key.id, key);
  };
  add(primary, PRIMARY_VAR);
  if (previous) add(previous, PREVIOUS_VAR);
  archived.forEach((key) => add(key, 'archived keys'));
  refuseSameBytes([
    { key: primary, source: sourceOf(primary, 'primary') },
    ...(previous ? [{ key: previous, source: sourceOf(previous, 'previous') }] : []),
    ...archived.map((key) => ({ key, source: sourceOf(key, 'archived') })),
  ]);
  return {
    primary,
    previous,
    archived,
    get: (id) => byId.get(id),
    ids: () => [...byId.keys()],
  };
}

/** Reads an archived-keys file: one key a line; blank lines and lines starting with # are ignored. */
export function readKeysFile(path: string): Kek[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read keys file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const keys: Kek[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    keys.push(parseKey(trimmed, `${path} line ${index + 1}`));
  });
  return keys;
}

export interface KeyRingSources {
  env: Record<string, string | undefined>;
  keysFile?: string | undefined;
}

/** Builds the ring from the application's variables (and an archived-keys file). */
export function keyRingFromEnv({ env, keysFile }: KeyRingSources): KeyRing {
  const primaryRaw = env[PRIMARY_VAR];
  if (primaryRaw === undefined || primaryRaw.trim() === '') {
    throw new UserError(
      `${PRIMARY_VAR} is not set`,
      `Set ${PRIMARY_VAR} (and ${PREVIOUS_VAR} during a rotation) in the environment, in .env, or in a file given with --env-file.`,
    );
  }
  const primary = parseKey(primaryRaw, PRIMARY_VAR);
  const previousRaw = env[PREVIOUS_VAR];
  const previous =
    previousRaw !== undefined && previousRaw.trim() !== '' ? parseKey(previousRaw, PREVIOUS_VAR) : undefined;
  const archived = keysFile ? readKeysFile(keysFile) : [];
  return makeKeyRing(primary, previous, archived);
}
