// The rules the machine enforces before it lets the operator go on, in words. Keyed by the
// machine's own guard names (src/machine/machine-guards.ts): a guard renamed or removed there
// makes an entry here a compile error. Only the guards an operator meets are explained; the rest
// are the machine's bookkeeping (which resume point, which path).
import type { MachineGuardName } from '../src/machine/machine-guards.js';

export const GUARD_TEXT = {
  keySaved: 'The new key was revealed on screen or written to a 0600 file, so it can be stored before it is deployed.',
  canStartFresh: 'No rotation is under way: SECRETS_ENCRYPTION_KEY_PREVIOUS is not configured.',
  canRollbackStray:
    'Exactly one key id is stranded and no previous key is configured, so it can be re-added as the previous key.',
  removalAllowed:
    'The second dry run found nothing to rotate, no row is on any key but the new one, no row is invalid, and every value decrypts with the new key alone.',
  hasStray:
    'Blocks the rotation while a row is on a key that is neither the primary nor the previous one (a new rotation would strand it).',
  hasWrongKey:
    'Blocks everything while a configured key decrypts none of the sampled rows that carry its id (it is not the key they were written with).',
  deployMatches: 'After each deploy, kek-rotate itself reads the same key configuration as the application.',
} as const satisfies Partial<Record<MachineGuardName, string>>;

export type GuardName = keyof typeof GUARD_TEXT;

/** The same rules as a clause for a one-line hint ("Enter confirms ..., once <hint>"). */
export const GUARD_HINT: Record<GuardName, string> = {
  keySaved: 'the key is revealed (k) or written to a file (w)',
  canStartFresh: 'no rotation is under way',
  canRollbackStray: 'exactly one key id is stranded',
  removalAllowed: 'verification found nothing left on the old key',
  hasStray: 'no row is on a key that is neither primary nor previous',
  hasWrongKey: 'every configured key decrypts its rows',
  deployMatches: 'kek-rotate reads the deployed keys',
};
