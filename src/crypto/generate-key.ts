// Making a new KEK: 32 random bytes under the next free key id, and writing it once to a file only
// its owner can read. Ids already in use anywhere are refused, never silently skipped.
import { randomBytes } from 'node:crypto';
import { writePrivateFile } from '../files/write-private-file.js';
import { UserError } from '../errors.js';
import { compareKeyIds, nextKeyId } from './key-id.js';
import { assertFreshMaterial, type KeyRing } from './key-ring.js';
import { formatKey, KEY_BYTES, KeyFormatError, parseKey, type Kek } from './key.js';

const FIRST_KEY_ID = 'kek-v1';

/** Parses `id` with given material by the key parser's rules; a ":" in the id would move the split, so it is refused first. */
function keyWithId(id: string, bytes: Buffer, source: string): Kek {
  if (id.includes(':')) throw new KeyFormatError(source, 'bad-key-id', 'key id is not valid: it may not contain ":"');
  return parseKey(`${id}:${bytes.toString('base64')}`, source);
}

/**
 * A fresh random key. The id is checked by the same rules the key parser applies to configured keys,
 * and the bytes against every key of `ring`, as a configured ring's keys are against each other.
 */
export function generateKek(id: string, ring?: KeyRing): Kek {
  const key = keyWithId(id, randomBytes(KEY_BYTES), 'new key id');
  assertFreshMaterial(key, ring);
  return key;
}

export interface ChooseKeyIdOptions {
  ring?: KeyRing | undefined;
  currentPrimaryId?: string | undefined;
  /** Every distinct key id found on a row of any encrypted column. */
  idsInDatabase: string[];
  /** An id the operator asked for (--id). */
  requested?: string | undefined;
}

function whereUsed(id: string, ring: KeyRing | undefined, idsInDatabase: string[]): string | undefined {
  if (ring?.primary.id === id) return 'the current primary key';
  if (ring?.previous?.id === id) return 'the configured previous key';
  if (ring?.archived.some((key) => key.id === id)) return 'an archived key';
  if (idsInDatabase.includes(id)) return 'the key id of rows in the database';
  return undefined;
}

/** The next id after the highest one in use that is itself free: what to suggest when the natural id is taken. */
function firstFreeAfterHighest(used: string[]): string {
  let candidate = nextKeyId([...used].sort(compareKeyIds).at(-1) ?? FIRST_KEY_ID);
  while (used.includes(candidate)) candidate = nextKeyId(candidate);
  return candidate;
}

/**
 * The id for a new key: `requested`, or the one after the current primary (`kek-v1` -> `kek-v2`;
 * `kek-v1` when there is no key yet). An id already used by a configured key or by any row is refused,
 * because two different keys under one id make rows unreadable in ways that are hard to see.
 */
export function chooseNewKeyId({ ring, currentPrimaryId, idsInDatabase, requested }: ChooseKeyIdOptions): string {
  const used = [...new Set([...(ring?.ids() ?? []), ...idsInDatabase])];
  const hint = (suggestion: string) =>
    `Choose an id no key and no row has used, e.g. --id ${suggestion}. Reusing an id would put two different keys under one name.`;
  if (requested !== undefined) {
    const id = keyWithId(requested, Buffer.alloc(KEY_BYTES), 'requested key id').id;
    const where = whereUsed(id, ring, idsInDatabase);
    if (where) throw new UserError(`key id ${id} is already used: it is ${where}`, hint(firstFreeAfterHighest(used)));
    return id;
  }
  const base = currentPrimaryId ?? ring?.primary.id;
  const natural = base === undefined ? FIRST_KEY_ID : nextKeyId(base);
  const where = whereUsed(natural, ring, idsInDatabase);
  if (where) {
    throw new UserError(
      `the next key id ${base === undefined ? '' : `after ${base} `}would be ${natural}, but ${natural} is already used: it is ${where}`,
      `${hint(firstFreeAfterHighest(used))} If ${natural} is left over from an abandoned rotation, finish or repair that first.`,
    );
  }
  return natural;
}

/** Writes `formatKey(key)` and a newline to a new file with mode 0600 (see writePrivateFile). */
export async function writeKeyFile(path: string, key: Kek): Promise<void> {
  await writePrivateFile(path, `${formatKey(key)}\n`, 'key');
}
