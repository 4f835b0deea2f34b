// The rules the machine enforces before it lets the operator go on, in words. The machine's
// guards have the same names; the Markdown runbook prints these sentences.

export const GUARD_TEXT = {
  keySaved: 'The new key was revealed on screen or written to a 0600 file, so it can be stored before it is deployed.',
  canStartFresh: 'No rotation is under way: SECRETS_ENCRYPTION_KEY_PREVIOUS is not configured.',
  canRollbackStray:
    'Exactly one key id is stranded and no previous key is configured, so it can be re-added as the previous key.',
  removalAllowed:
    'The second dry run found nothing to rotate, no row is on any key but the new one, no row is invalid, and every value decrypts with the new key alone.',
  notBlocked:
    'Every row is on the primary or the previous key (a row on any other key would be stranded by a new rotation).',
  toolHasKeys: 'After each deploy, kek-rotate itself reads the same key configuration as the application.',
} as const;

export type GuardName = keyof typeof GUARD_TEXT;

/** The same rules as a clause for a one-line hint ("Enter confirms ..., once <hint>"). */
export const GUARD_HINT: Record<GuardName, string> = {
  keySaved: 'the key is revealed (k) or written to a file (w)',
  canStartFresh: 'no rotation is under way',
  canRollbackStray: 'exactly one key id is stranded',
  removalAllowed: 'verification found nothing left on the old key',
  notBlocked: 'every row is on the primary or the previous key',
  toolHasKeys: 'kek-rotate reads the deployed keys',
};
