// Replicas update one at a time: the runbook's order (new key primary at once) lets updated replicas
// write values that the not-yet-updated ones cannot read; the staged deploy avoids it.
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
    { id: 'no-replica-read-failures', description: 'No replica ever failed to read a value (choose the staged deploy).' },
    { id: 'no-lost-writes', description: 'Every value the application wrote is still there.' },
    { id: 'no-unreadable-rows', description: 'Every row decrypts.' },
    { id: 'all-rows-on-deployed-primary', description: 'Every row is on the new key.' },
    { id: 'old-key-removed', description: 'The old key is no longer deployed.' },
  ],
  lesson: {
    pass: 'Deploying the new key as decrypt-only first meant every replica could read it before any replica wrote with it.',
    fail: 'Making the new key primary in one rolling deploy lets updated replicas write values the others cannot read: use the staged deploy (2a, then 2b).',
  },
};
