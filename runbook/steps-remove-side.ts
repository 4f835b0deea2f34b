// Text for phase 5 (remove the old key), the stop, the rollback after removal, and the end.
import type { StepText } from './types.js';

export const REMOVE_AND_SIDE_STEPS = {
  'remove.confirmDeploy': {
    title: 'Deploy without the old key',
    does: 'Paste the final snippet (no SECRETS_ENCRYPTION_KEY_PREVIOUS) and deploy every replica, and kek-rotate. Archive the old key in separate storage (not next to the new one) before you delete it anywhere.',
    why: 'A key that stays configured keeps protecting nothing but still leaks everything it ever wrapped if stolen. The archive is for disaster recovery from old backups.',
    risks:
      'Backups taken before the rotation are encrypted under the old key: without the archived key they cannot be restored.',
    undo: 'The rollback re-adds the old key as previous (from the archive).',
    actions: [{ event: 'CONFIRM', label: 'deployed without the old key', guard: 'removalAllowed' }],
  },
  'remove.applying': {
    title: 'Checking the deploy',
    does: 'Checks that kek-rotate now has only the new key.',
    working: true,
    actions: [],
  },
  'remove.checking': {
    title: 'Checking after removal',
    does: 'Counts rows per key id once more with only the new key configured.',
    working: true,
    actions: [],
  },
  'remove.notMigrated': {
    title: 'Some data was not migrated',
    does: 'Rows are on a key that is no longer configured (written during the deploy, or restored from a backup). The application cannot read them.',
    undo: 'Roll back: re-add the old key as previous, deploy, re-encrypt, verify, remove again.',
    actions: [{ event: 'START_ROLLBACK', label: 'start the rollback' }],
  },
  'remove.failed': {
    title: 'Removal did not complete',
    does: 'kek-rotate does not have the final configuration, or the check failed. The message says which.',
    actions: [{ event: 'RETRY', label: 'try again' }],
  },
  'stopped.safe': {
    title: 'Stopped safely',
    does: 'The rotation is paused between phases. If both keys are deployed, every row is readable: rows already moved are on the new key, the others on the old one. If nothing was deployed yet, nothing changed.',
    why: 'Every phase can be run again, so stopping never leaves the data half-written.',
    undo: 'Nothing to roll back. To go back to the old key alone, run a rotation with the old key as the new one (the data must first move back onto it).',
    actions: [{ event: 'RESUME', label: 'continue the rotation' }],
  },
  'rollback.readdOld': {
    title: 'Re-add the old key as previous',
    does: 'Take the old key from the archive and deploy it as SECRETS_ENCRYPTION_KEY_PREVIOUS next to the new primary, everywhere and for kek-rotate. Then the re-encryption runs again.',
    why: 'The rows left on the old key become readable again, and the re-encryption moves them.',
    risks: 'If the old key is lost, those rows cannot be recovered: re-enter those credentials in the application.',
    actions: [{ event: 'CONFIRM', label: 'old key deployed as previous' }],
  },
  'rollback.applying': {
    title: 'Checking the deploy',
    does: 'Checks that kek-rotate has the new primary and the old key as previous.',
    working: true,
    actions: [],
  },
  'rollback.failed': {
    title: 'The rollback deploy does not match',
    does: 'kek-rotate does not have the old key as previous yet. Add it to its environment (or .env) too.',
    actions: [{ event: 'RETRY', label: 'back to the deploy step' }],
  },
  'done.summary': {
    title: 'Rotation complete',
    does: 'Summary of what was done, per phase, with counts. The journal holds every step; `kek-rotate report` renders it.',
    risks: 'If the application later fails to read some values, choose the rollback.',
    actions: [{ event: 'START_ROLLBACK', label: 'some data was not migrated: roll back' }],
  },
  quit: {
    title: 'Quit',
    does: 'The session ended. What was done stays done; run kek-rotate again to continue.',
    actions: [],
  },
} satisfies Record<string, StepText>;
