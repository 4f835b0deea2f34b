// The phases of the runbook, in the order the Markdown runbook presents them.
import type { PhaseId } from '../src/machine/contract.js';
import type { PhaseText } from './types.js';

export const PHASE_TEXT: Record<PhaseId, PhaseText> = {
  preflight: {
    number: 0,
    title: 'Preflight',
    goal: 'Check the keys and the database, and find out where the rotation stands.',
  },
  generate: {
    number: 1,
    title: 'Generate the new key',
    goal: 'Make the next key, show it once, and get it into the secrets manager.',
  },
  deploy: {
    number: 2,
    title: 'Deploy with both keys',
    goal: 'Every replica can read values under the old key and the new key.',
  },
  reencrypt: {
    number: 3,
    title: 'Re-encrypt',
    goal: 'Move every stored value onto the new key: dry run first, then live.',
  },
  verify: {
    number: 4,
    title: 'Verify',
    goal: 'Prove that nothing is left on the old key and that the new key alone reads everything.',
  },
  remove: { number: 5, title: 'Remove the old key', goal: 'Deploy without the old key, archive it, and check again.' },
  stopped: { title: 'Stop during phases 2-4', goal: 'Stop safely: both keys work, nothing to roll back.' },
  rollback: {
    title: 'Rollback after removal',
    goal: 'Some data was not migrated: bring the old key back as previous and finish the job.',
  },
  emergency: {
    title: 'Emergency: the key leaked',
    goal: 'From "the key leaked" to "the key is gone" as fast as the database allows.',
  },
  done: { title: 'Done', goal: 'The rotation is finished and recorded in the journal.' },
};

/** Order of the Markdown document: the numbered phases, then the side paths. */
export const PHASE_ORDER: readonly PhaseId[] = [
  'preflight',
  'generate',
  'deploy',
  'reencrypt',
  'verify',
  'remove',
  'done',
  'stopped',
  'rollback',
  'emergency',
];
