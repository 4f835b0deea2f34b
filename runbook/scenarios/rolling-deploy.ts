// Replicas update one at a time: the runbook's order (new key primary at once) lets updated replicas
// write values that the not-yet-updated ones cannot read; the staged deploy avoids it.
import { everyRowOnNewKey, noLostWrites, noUnreadableRows, oldKeyRemoved } from './common-criteria.js';
import type { Scenario } from './types.js';

export const rollingDeploy: Scenario = {
  name: 'rolling-deploy',
  title: 'Rotation under a rolling deploy',
  goal: 'Rotate to a new key while deploys roll out one replica at a time, without any replica failing to read a value.',
  briefing: [
    'This cluster deploys one replica at a time, a few seconds apart.',
    'While a deploy rolls, some replicas run the new configuration and some the old one.',
    'Watch the application panel: a replica that meets a value under a key it does not have fails the request.',
  ],
  runbookPath: 'staged-deploy',
  setup: [{ kind: 'rolling-deploys', stepMs: 4000 }],
  passCriteria: [
    {
      id: 'staged-deploy',
      description:
        'The staged deploy: the new key decrypt-only first (2a), primary only once every replica had it (2b).',
      lesson: {
        passed:
          'Deploying the new key as decrypt-only first meant every replica could read it before any replica wrote with it.',
        failed:
          'Making the new key primary in one rolling deploy lets the replicas updated first write values that the others cannot read yet: when replicas update one at a time, choose the staged deploy (2 at the deploy step: 2a, then 2b).',
      },
    },
    {
      id: 'no-replica-read-failures',
      description: 'No replica ever failed to read a value.',
      lesson: {
        failed:
          'While the deploy rolled, a replica failed to read a value another replica had just written under the new key: for a user, that request failed.',
      },
    },
    everyRowOnNewKey(),
    oldKeyRemoved(),
    noLostWrites(),
    noUnreadableRows(),
  ],
};
