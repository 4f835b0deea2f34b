// The emergency path: the primary key leaked. Timed; ends with the credentials to rotate at their providers.
import { everyRowOnNewKey, noLostWrites, noUnreadableRows } from './common-criteria.js';
import type { Scenario } from './types.js';

export const compromisedKey: Scenario = {
  name: 'compromised-key',
  title: 'Compromised key (emergency)',
  goal: 'kek-v1 has leaked: get it out of service fast, with every value re-encrypted under fresh data keys.',
  briefing: [
    'kek-v1 was found in a public repository. Anyone holding it and a database dump can read every provider key.',
    'Take the emergency path: new key, deploy both at once, re-encrypt everything with fresh data keys, verify, remove kek-v1.',
    'The clock starts when you begin. The debrief lists the credentials you must then rotate at their providers.',
  ],
  runbookPath: 'emergency',
  setup: [{ kind: 'compromised-key' }],
  passCriteria: [
    {
      id: 'emergency-path',
      description: 'The emergency path (e at preflight), not the standard rotation.',
      lesson: {
        passed:
          'The emergency path listed what the leaked key protected before any row moved, and did the rest without stopping for reviews.',
        failed:
          'A leaked key calls for the emergency path (e at preflight): it lists the credentials the key protected before any row moves, deploys both keys at once and re-encrypts without stopping for a dry run. The standard rotation is for a planned change.',
      },
    },
    {
      id: 'compromised-key-contained',
      description: 'kek-v1 is out of service on every replica within 15 minutes.',
      withinMinutes: 15,
      lesson: {
        passed:
          'kek-v1 now protects nothing. The provider keys it protected were still exposed: rotate each one listed below at its provider.',
        failed: 'Until kek-v1 is out of every deploy, a leaked dump stays readable, and every minute counts.',
      },
    },
    {
      id: 'fresh-data-keys',
      description: 'Every value got a fresh data key (re-encrypted, not just re-wrapped).',
      lesson: {
        failed:
          'A leaked key exposes the data keys it wrapped: re-wrapping them keeps values readable to whoever holds a dump; re-encrypt with fresh data keys.',
      },
    },
    everyRowOnNewKey(),
    noUnreadableRows(),
    noLostWrites(),
  ],
};
