// The old key was removed before re-encryption finished: replicas fail to read; roll back.
import { everyRowOnNewKey, noLostWrites, noUnreadableRows, oldKeyRemoved } from './common-criteria.js';
import type { Scenario } from './types.js';

export const removedTooEarly: Scenario = {
  name: 'removed-too-early',
  title: 'Old key removed too early',
  goal: 'Replicas fail to read rows still on the old key: take the rollback path and finish the rotation properly.',
  briefing: [
    'A colleague rotated from kek-v1 to kek-v2 and removed kek-v1 before the re-encryption had finished.',
    'The replicas now run with kek-v2 only, and fail to read every row still on kek-v1. Watch the application panel.',
    'kek-v1 is in your archive. Take the rollback path: re-add it as the previous key, re-encrypt, verify, remove it again.',
  ],
  runbookPath: 'rollback',
  setup: [{ kind: 'old-key-removed-early', newKeyId: 'kek-v2', fractionMigrated: 0.6 }],
  passCriteria: [
    {
      id: 'old-key-redeployed',
      description: 'The old key was deployed again as the previous key.',
      lesson: {
        passed: 'Re-adding the old key as the previous key stopped the read failures at once.',
        failed:
          'When rows are still on a removed key, the way back is to re-add that key as the previous key first (b at preflight): every read fails until then.',
      },
    },
    {
      id: 'no-read-failures-after-rollback',
      description: 'No replica failed to read once the old key was back.',
      lesson: {
        failed: 'Reads kept failing after the rollback: every replica needs the old key back before anything else.',
      },
    },
    everyRowOnNewKey('Every row ends on kek-v2.'),
    {
      ...oldKeyRemoved('The old key was removed again at the end.'),
      lesson: {
        passed: 'The old key was removed again only after verification found 0 rows left on it.',
        failed:
          'Phase 5 must wait until verification finds 0 rows on the old key; the rotation ends only when you have removed it again.',
      },
    },
    noUnreadableRows(),
    noLostWrites(),
  ],
};
