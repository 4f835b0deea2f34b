// One stored value is corrupted: the dry run must flag it, the live run must leave it alone and report it.
import type { Scenario } from './types.js';

export const tamperedRow: Scenario = {
  name: 'tampered-row',
  title: 'A corrupted value',
  goal: 'Rotate every readable row; find the corrupted one in the dry run and leave it exactly as it is.',
  briefing: [
    'One stored value has been damaged: it no longer authenticates under any key.',
    'The dry run decrypts every row, so it will show you which one.',
    'Rotate the rest; the damaged row must be reported, not overwritten or dropped.',
  ],
  runbookPath: 'standard',
  setup: [{ kind: 'tamper-rows', count: 1 }],
  passCriteria: [
    { id: 'tampered-row-untouched', description: 'The damaged row still holds exactly the bytes it had.' },
    { id: 'tampered-row-reported', description: 'The journal lists the damaged row by id.' },
    { id: 'all-rows-on-deployed-primary', description: 'Every other row is on the new key.' },
    { id: 'no-unreadable-rows', description: 'No other row is unreadable.' },
    { id: 'no-lost-writes', description: 'Every value the application wrote is still there.' },
  ],
  lesson: {
    pass: 'The damaged value was reported and kept as evidence; its owner must re-enter that provider key.',
    fail: 'The damaged row must be left untouched and listed: a tool that skips it silently, or overwrites it, hides the problem.',
  },
};
