// The standard rotation, start to finish, while the application keeps writing.
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
    { id: 'no-lost-writes', description: 'Every value the application wrote during the rotation is still there.' },
    { id: 'no-unreadable-rows', description: 'Every row decrypts.' },
    { id: 'all-rows-on-deployed-primary', description: 'Every row is on the new key.' },
    { id: 'old-key-removed', description: 'The old key is no longer deployed.' },
    { id: 'no-replica-read-failures', description: 'No replica ever failed to read a value.' },
  ],
  lesson: {
    pass: 'The compare-and-swap kept every concurrent write, and nothing was left on the old key.',
    fail: 'Look at the criteria marked FAIL above: each one names the rows or the step that went wrong.',
  },
};
