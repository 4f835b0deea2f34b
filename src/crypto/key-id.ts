// Key versions follow the `kek-vN` convention; the next key takes N+1 (numeric, so kek-v10 follows kek-v9).

const VERSIONED = /^(.*?)(\d+)$/;

/** The id that follows `current`: `kek-v9` -> `kek-v10`; an id without a trailing number gets `-v2`. */
export function nextKeyId(current: string): string {
  const match = VERSIONED.exec(current);
  if (!match) return `${current}-v2`;
  const [, prefix, digits] = match;
  return `${prefix}${BigInt(digits!) + 1n}`;
}

/** Orders ids by version number where both have one (kek-v2 < kek-v10), else as text. */
export function compareKeyIds(a: string, b: string): number {
  const ma = VERSIONED.exec(a);
  const mb = VERSIONED.exec(b);
  if (ma && mb && ma[1] === mb[1]) {
    const diff = BigInt(ma[2]!) - BigInt(mb[2]!);
    return diff < 0n ? -1 : diff > 0n ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
