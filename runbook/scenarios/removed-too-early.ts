// The old key was removed before re-encryption finished: replicas fail to read; roll back.
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
    { id: 'old-key-redeployed', description: 'The old key was deployed again as the previous key.' },
    { id: 'no-read-failures-after-rollback', description: 'No replica failed to read once the old key was back.' },
    { id: 'all-rows-on-deployed-primary', description: 'Every row ends on kek-v2.' },
    { id: 'old-key-removed', description: 'The old key was removed again at the end.' },
    { id: 'no-unreadable-rows', description: 'Every row decrypts.' },
    { id: 'no-lost-writes', description: 'Every value the application wrote is still there.' },
  ],
  lesson: {
    pass: 'Re-adding the old key stopped the failures at once; the old key was removed only after verification found nothing left on it.',
    fail: 'Phase 5 must wait until verification finds 0 rows on the old key; when it did not, the way back is to re-add the old key first.',
  },
};
