// The standard rotation, start to finish, while the application keeps writing.
import { everyRowOnNewKey, noLostWrites, noUnreadableRows, oldKeyRemoved } from './common-criteria.js';
import type { Scenario } from './types.js';

export const happyPath: Scenario = {
  name: 'happy-path',
  title: 'The standard rotation',
  goal: 'Rotate from kek-v1 to a new key while the application keeps writing, and lose nothing.',
  briefing: [
    'Every provider key is encrypted under kek-v1. Three replicas of the application are running and writing.',
    'Generate the next key, deploy it with the old one, re-encrypt, verify, then remove the old key.',
  ],
  runbookPath: 'standard',
  setup: [],
  passCriteria: [
    everyRowOnNewKey(),
    oldKeyRemoved(),
    noLostWrites('Every value the application wrote during the rotation is still there.'),
    noUnreadableRows(),
    {
      id: 'no-replica-read-failures',
      description: 'No replica ever failed to read a value.',
      lesson: {
        failed:
          'A replica met a value under a key it did not have: every replica must hold both keys before any of them writes with the new one.',
      },
    },
  ],
};
