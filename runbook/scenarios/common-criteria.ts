// Criteria several scenarios share, with their lessons: what must be true of the data at the end.
// Each scenario puts the path and decisions it is about first, then these.
import type { PassCriterion } from './types.js';

export const everyRowOnNewKey = (description = 'Every row is on the new key.', failed?: string): PassCriterion => ({
  id: 'all-rows-on-deployed-primary',
  description,
  lesson: {
    failed:
      failed ??
      'Rows still on the old key keep it in service: the rotation ends only once the live re-encryption moved every row (phase 3) and verification found none left (phase 4).',
  },
});

export const oldKeyRemoved = (description = 'The old key is no longer deployed.'): PassCriterion => ({
  id: 'old-key-removed',
  description,
  lesson: {
    passed: 'The old key was removed only after verification found nothing left on it.',
    failed:
      'Until the old key is taken out of the deploy (phase 5), the rotation is not finished: whoever holds that key can still read the values.',
  },
});

export const noLostWrites = (description = 'Every value the application wrote is still there.'): PassCriterion => ({
  id: 'no-lost-writes',
  description,
  lesson: {
    passed: 'The compare-and-swap kept every value the application wrote while rows were re-encrypted.',
    failed:
      'A value the application wrote during the rotation was overwritten: a re-encryption may write a row only if it still holds exactly what was read.',
  },
});

export const noUnreadableRows = (description = 'Every row decrypts.'): PassCriterion => ({
  id: 'no-unreadable-rows',
  description,
  lesson: { failed: 'A row that no key decrypts is a value lost: find out which step wrote it before going on.' },
});
