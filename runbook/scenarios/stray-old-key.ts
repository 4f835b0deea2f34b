// Some rows are on an older key nobody configured any more; starting a rotation would strand them.
// The repair comes first, then the rotation the scenario is about (the rehearsal offers it).
import { everyRowOnNewKey, noLostWrites, noUnreadableRows, oldKeyRemoved } from './common-criteria.js';
import type { Scenario } from './types.js';

export const strayOldKey: Scenario = {
  name: 'stray-old-key',
  title: 'Rows left on an older key',
  goal: 'Repair the rows still on kek-v0, a key the application no longer has, then rotate kek-v1 to a new key without stranding any row.',
  briefing: [
    'An earlier rotation was never finished: a few rows are still encrypted under kek-v0.',
    'kek-v0 is in your archive of old keys, but no replica has it.',
    'Preflight will tell you what it finds. Follow its repair first; once the repair is done, the rehearsal offers the rotation to a new key.',
  ],
  runbookPath: 'repair-then-rotate',
  setup: [{ kind: 'stray-rows', keyId: 'kek-v0', count: 6 }],
  passCriteria: [
    {
      id: 'stray-rows-repaired',
      description: 'The rows on kek-v0 were moved onto kek-v1 with the archived key, before any new key was deployed.',
      lesson: {
        passed: 'The stray rows were moved onto a configured key before anything else changed, so none was stranded.',
        failed:
          'Rows on kek-v0 cannot be read by the deployed keys, and a rotation over them strands them for good. Preflight blocks for this reason: take its repair (b: re-add kek-v0 from the archive as the previous key, re-encrypt, remove it) before rotating.',
      },
    },
    {
      id: 'readable-by-deployed-config',
      description: 'Every row can be read by the keys that are deployed (no stranded rows).',
      lesson: { failed: 'Some rows are on a key no replica has: the application fails every request that reads them.' },
    },
    everyRowOnNewKey(
      'Then the rotation: every row is on the new key.',
      'The repair was only the first half: the rotation from kek-v1 to a new key, which the scenario was started for, was not done.',
    ),
    oldKeyRemoved('kek-v1 is no longer deployed.'),
    noUnreadableRows(),
    noLostWrites(),
  ],
};
