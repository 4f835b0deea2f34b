// The rules the machine enforces before it lets the operator go on, in words. The machine's
// guards have the same names; the Markdown runbook prints these sentences.

export const GUARD_TEXT = {
  keySaved: 'The new key was revealed on screen or written to a 0600 file, so it can be stored before it is deployed.',
  canStartFresh: 'No rotation is under way: SECRETS_ENCRYPTION_KEY_PREVIOUS is not configured.',
  canRollbackStray: 'Exactly one key id is stranded and no previous key is configured, so it can be re-added as the previous key.',
  removalAllowed:
    'The second dry run found nothing to rotate, no row is on any key but the new one, no row is invalid, and every value decrypts with the new key alone.',
  notBlocked: 'Every row is on the primary or the previous key (a row on any other key would be stranded by a new rotation).',
  toolHasKeys: 'After each deploy, kek-rotate itself reads the same key configuration as the application.',
} as const;

export type GuardName = keyof typeof GUARD_TEXT;
