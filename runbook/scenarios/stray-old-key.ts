// Some rows are on an older key nobody configured any more; starting a rotation would strand them.
import type { Scenario } from './types.js';

export const strayOldKey: Scenario = {
  name: 'stray-old-key',
  title: 'Rows left on an older key',
  goal: 'Rotate safely although some rows are still on kek-v0, a key the application no longer has.',
  briefing: [
    'An earlier rotation was never finished: a few rows are still encrypted under kek-v0.',
    'kek-v0 is in your archive of old keys, but no replica has it.',
    'Preflight will tell you what it finds. Follow its repair before you rotate.',
  ],
  runbookPath: 'repair-then-rotate',
  setup: [{ kind: 'stray-rows', keyId: 'kek-v0', count: 6 }],
  passCriteria: [
    { id: 'readable-by-deployed-config', description: 'Every row can be read by the keys that are deployed (no stranded rows).' },
    { id: 'no-unreadable-rows', description: 'Every row decrypts.' },
    { id: 'no-lost-writes', description: 'Every value the application wrote is still there.' },
  ],
  lesson: {
    pass: 'The stray rows were moved onto a configured key before anything else changed, so none was stranded.',
    fail: 'Rows on kek-v0 cannot be read by the deployed keys. Preflight blocks a rotation for this reason: re-encrypt them with kek-v0 from the archive first.',
  },
};
