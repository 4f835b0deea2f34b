// Every key a rehearsal has used (the initial one, the stray one a scenario planted, each key a
// deploy brought in), so the debrief can decrypt any row whatever key it ended up on. Memory only.
import { makeKeyRing, type KeyRing } from '../crypto/key-ring.js';
import type { Kek } from '../crypto/key.js';

export class SessionKeys {
  private readonly byId = new Map<string, Kek>();
  /** Key ids that were seen with two different materials: rows under them may not decrypt. */
  readonly conflicts = new Set<string>();

  constructor(keys: readonly Kek[] = []) {
    keys.forEach((key) => this.remember(key));
  }

  remember(key: Kek): void {
    const known = this.byId.get(key.id);
    if (known && !known.bytes.equals(key.bytes)) this.conflicts.add(key.id);
    if (!known) this.byId.set(key.id, key);
  }

  get(id: string): Kek | undefined {
    return this.byId.get(id);
  }

  all(): Kek[] {
    return [...this.byId.values()];
  }

  /** A ring holding every key (decrypt only: the first one is "primary" only because a ring needs one). */
  ring(): KeyRing {
    const [first, ...rest] = this.all();
    if (!first) throw new Error('no keys in this rehearsal');
    return makeKeyRing(first, undefined, rest);
  }
}
