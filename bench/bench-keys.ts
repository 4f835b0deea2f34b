// Keys for one bench run: fresh random kek-v1 (what the data is seeded under) and kek-v2 (the
// rotation target). They live only in this process and its bench workers, never on disk.
import { randomBytes } from 'node:crypto';
import type { Kek } from '../src/crypto/key.js';
import { makeKeyRing, type KeyRing } from '../src/crypto/key-ring.js';

export interface BenchKeys {
  readonly old: Kek;
  readonly next: Kek;
}

export function makeBenchKeys(): BenchKeys {
  return { old: { id: 'kek-v1', bytes: randomBytes(32) }, next: { id: 'kek-v2', bytes: randomBytes(32) } };
}

/** The ring of a rotation in progress: primary kek-v2, previous kek-v1. */
export function rotationRing(keys: BenchKeys): KeyRing {
  return makeKeyRing(keys.next, keys.old);
}

/** Plain form for the IPC message to a bench worker (Buffers do not survive JSON). */
export interface WireKeys {
  old: { id: string; b64: string };
  next: { id: string; b64: string };
}

export function toWire(keys: BenchKeys): WireKeys {
  return {
    old: { id: keys.old.id, b64: keys.old.bytes.toString('base64') },
    next: { id: keys.next.id, b64: keys.next.bytes.toString('base64') },
  };
}

export function fromWire(wire: WireKeys): BenchKeys {
  return {
    old: { id: wire.old.id, bytes: Buffer.from(wire.old.b64, 'base64') },
    next: { id: wire.next.id, bytes: Buffer.from(wire.next.b64, 'base64') },
  };
}
