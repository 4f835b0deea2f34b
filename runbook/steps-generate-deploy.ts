// Text for phase 1 (generate the new key) and phase 2 (deploy with both keys).
import type { StepAction, StepText } from './types.js';

const DEPLOY_UNDO =
  'Deploy the previous configuration again. As long as the new key has not been used to write anything (before re-encryption), nothing else is needed; after that, keep the new key configured.';

const STOP: StepAction = { event: 'ABORT', label: 'stop' };

export const GENERATE_DEPLOY_STEPS = {
  'generate.creating': {
    title: 'Generating the new key',
    does: 'Makes 32 random bytes under the next key id (kek-v2 after kek-v1; kek-v10 after kek-v9). An id already used by a key or a row is refused.',
    working: true,
    actions: [],
  },
  'generate.show': {
    title: 'Store the new key',
    does: 'The new key is shown once, masked until you reveal it, or written to a new file with mode 0600. Put it in the secrets manager now, then confirm.',
    why: 'kek-rotate keeps no copy. If the key is lost after the data moved onto it, the data is lost.',
    risks:
      'Anyone who sees the screen or the file sees the key. Reveal it only where nobody is looking; delete the file once the key is stored.',
    undo: 'Nothing is deployed yet: quitting here changes nothing (the key is simply never used).',
    actions: [
      { event: 'REVEAL_KEY', label: 'reveal the key' },
      { event: 'HIDE_KEY', label: 'mask it again' },
      { event: 'WRITE_KEY_FILE', label: 'write it to a 0600 file' },
      { event: 'CONFIRM', label: 'it is stored in the secrets manager', guard: 'keySaved' },
    ],
  },
  'generate.writingFile': {
    title: 'Writing the key file',
    does: 'Creates the file with mode 0600; an existing file is never overwritten.',
    working: true,
    actions: [],
  },
  'generate.failed': {
    title: 'Could not make or write the key',
    does: 'The message says what went wrong (an id in use, a file that exists, a directory that is not writable).',
    undo: 'Nothing was deployed.',
    actions: [{ event: 'RETRY', label: 'try again' }],
  },
  'deploy.choose': {
    title: 'Choose how to deploy',
    does: 'Runbook order: the new key becomes primary at once and the old key stays as previous. Staged (for rolling deploys): 2a adds the new key as decrypt-only previous, 2b swaps.',
    why: 'During a rolling deploy, replicas still on the old config cannot read values written by updated replicas under the new key. Staged first teaches every replica the new key, so none ever meets a value it cannot read.',
    risks:
      'Choose staged whenever replicas are updated one at a time (Kubernetes rolling updates, several app servers).',
    actions: [
      { event: 'CHOOSE_DEPLOY', label: 'runbook order or staged 2a/2b' },
      { event: 'ABORT', label: 'stop here (nothing deployed)' },
    ],
  },
  'deploy.both': {
    title: 'Deploy: new key primary, old key previous',
    does: 'Paste the snippet into your deployment (dotenv, shell, Kubernetes Secret, docker run) and deploy every replica. Give kek-rotate the same keys. Confirm when the deploy is complete.',
    why: 'New values are written with the new key; the old key stays to read everything not yet re-encrypted.',
    risks:
      'In a rolling deploy, replicas still on the old config fail to read values written under the new key until they are updated.',
    undo: DEPLOY_UNDO,
    actions: [
      { event: 'CONFIRM', label: 'deployed everywhere' },
      { event: 'CANCEL', label: 'back to the choice' },
      { event: 'ABORT', label: 'stop here' },
    ],
  },
  'deploy.applyingBoth': {
    title: 'Checking the deploy',
    does: 'Applies the configuration (sandbox) and checks that kek-rotate now has the same keys.',
    working: true,
    actions: [STOP],
  },
  'deploy.stageA': {
    title: 'Deploy 2a: old key primary, new key decrypt-only',
    does: 'Deploy every replica with the new key as SECRETS_ENCRYPTION_KEY_PREVIOUS. Nothing is written with it yet. Confirm when every replica runs it.',
    why: 'After 2a every replica can read the new key, so the swap in 2b is safe during a rolling deploy.',
    risks: 'If an older previous key is still configured, it is replaced here: preflight checked that no row needs it.',
    undo: DEPLOY_UNDO,
    actions: [
      { event: 'CONFIRM', label: '2a deployed everywhere' },
      { event: 'CANCEL', label: 'back to the choice' },
      { event: 'ABORT', label: 'stop here' },
    ],
  },
  'deploy.applyingA': {
    title: 'Checking deploy 2a',
    does: 'Checks that kek-rotate has the 2a keys.',
    working: true,
    actions: [STOP],
  },
  'deploy.stageB': {
    title: 'Deploy 2b: swap',
    does: 'Deploy every replica with the new key as primary and the old key as previous. Confirm when done.',
    why: 'Every replica already reads the new key (2a), so values written by updated replicas are readable by all.',
    undo: DEPLOY_UNDO,
    actions: [
      { event: 'CONFIRM', label: '2b deployed everywhere' },
      { event: 'ABORT', label: 'stop here' },
    ],
  },
  'deploy.applyingB': {
    title: 'Checking deploy 2b',
    does: 'Checks that kek-rotate has the swapped keys.',
    working: true,
    actions: [STOP],
  },
  'deploy.failed': {
    title: 'The deploy does not match',
    does: 'kek-rotate does not have the keys this step asked for, or the deploy failed. The message names both configurations.',
    risks: 'A re-encryption with the wrong keys would move rows to the wrong key: nothing runs until the keys match.',
    undo: 'Fix the configuration of kek-rotate (environment, .env or --env-file) and retry.',
    actions: [
      { event: 'RETRY', label: 'back to the deploy step' },
      { event: 'ABORT', label: 'stop here' },
    ],
  },
} satisfies Record<string, StepText>;
