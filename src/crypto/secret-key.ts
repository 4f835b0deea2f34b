// A key whose bytes never leave by accident: JSON, inspect, toString and snapshots show its id only.
// The UI and the machine hold keys as SecretKey; `reveal()` is the one way to the material.
import { inspect } from 'node:util';
import type { Kek } from './key.js';

/**
 * A key whose material must never be journaled, logged or serialised. The material sits in a
 * private class field (#kek): JSON.stringify, structuredClone-free snapshots, Object.keys and
 * console.log / util.inspect see only the id. `reveal()` is the one way to the bytes: the UI calls
 * it to show the key after REVEAL_KEY and to render env snippets; effects call it to use the key.
 */
export class SecretKey {
  readonly id: string;
  readonly #kek: Kek;

  constructor(kek: Kek) {
    this.id = kek.id;
    this.#kek = kek;
  }

  reveal(): Kek {
    return this.#kek;
  }

  toJSON(): { id: string; material: '[hidden]' } {
    return { id: this.id, material: '[hidden]' };
  }

  toString(): string {
    return `SecretKey(${this.id})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
