// One stored value is corrupted: the dry run must flag it, the live run must leave it alone and report it.
import { everyRowOnNewKey, noLostWrites, noUnreadableRows } from './common-criteria.js';
import type { Scenario } from './types.js';

export const tamperedRow: Scenario = {
  name: 'tampered-row',
  title: 'A corrupted value',
  goal: 'Rotate every readable row; find the corrupted one in the dry run and leave it exactly as it is.',
  briefing: [
    'One stored value has been damaged: it no longer authenticates under any key.',
    'The dry run decrypts every row, so it will show you which one.',
    'Rotate the rest; the damaged row must be reported, not overwritten or dropped.',
    'Verification will then refuse to remove the old key while the damaged row is on it: stop there.',
  ],
  runbookPath: 'standard',
  setup: [{ kind: 'tamper-rows', count: 1 }],
  passCriteria: [
    {
      id: 'tampered-row-reported',
      description: 'The journal lists the damaged row by id.',
      lesson: {
        passed:
          'The dry run named the damaged row before anything was written, and the journal keeps it: its owner must re-enter that provider key.',
        failed:
          'The damaged row was never reported: run the dry run (phase 3) and read the rows it could not decrypt before going live.',
      },
    },
    {
      id: 'tampered-row-untouched',
      description: 'The damaged row still holds exactly the bytes it had.',
      lesson: {
        passed: 'The live run left the damaged value exactly as it was, as evidence.',
        failed:
          'The damaged row must be left untouched: a tool that overwrites or drops it destroys the evidence and hides the problem.',
      },
    },
    // The old key stays: the damaged row is still on it, and verification refuses its removal.
    everyRowOnNewKey('Every other row is on the new key.'),
    noUnreadableRows('No other row is unreadable.'),
    noLostWrites(),
  ],
};
