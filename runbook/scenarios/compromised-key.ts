// The emergency path: the primary key leaked. Timed; ends with the credentials to rotate at their providers.
import type { Scenario } from './types.js';

export const compromisedKey: Scenario = {
  name: 'compromised-key',
  title: 'Compromised key (emergency)',
  goal: 'kek-v1 has leaked: get it out of service fast, with every value re-encrypted under fresh data keys.',
  briefing: [
    'kek-v1 was found in a public repository. Anyone holding it and a database dump can read every provider key.',
    'Take the emergency path: new key, deploy both at once, re-encrypt everything with fresh data keys, verify, remove kek-v1.',
    'The clock is running. The debrief lists the credentials you must then rotate at their providers.',
  ],
  runbookPath: 'emergency',
  setup: [{ kind: 'compromised-key' }],
  passCriteria: [
    { id: 'compromised-key-contained', description: 'kek-v1 is out of service on every replica within 15 minutes.', withinMinutes: 15 },
    { id: 'fresh-data-keys', description: 'Every value got a fresh data key (re-encrypted, not just re-wrapped).' },
    { id: 'all-rows-on-deployed-primary', description: 'Every row is on the new key.' },
    { id: 'no-unreadable-rows', description: 'Every row decrypts.' },
    { id: 'no-lost-writes', description: 'Every value the application wrote is still there.' },
  ],
  lesson: {
    pass: 'kek-v1 now protects nothing. The provider keys it protected were still exposed: rotate each one listed below at its provider.',
    fail: 'Until kek-v1 is gone and every data key is fresh, a leaked dump stays readable.',
  },
};
