// Text for the emergency path: the key leaked.
import type { BackgroundTask } from '../src/machine/contract.js';
import type { StepText } from './types.js';

/** Work that runs beside the steps (no step of its own): the listing starts with the path. */
export const EMERGENCY_BACKGROUND = {
  'emergency.listingCredentials': {
    title: 'Listing what the leaked key protected (in the background)',
    does: 'From the first step of the path, reads the table once and lists every row encrypted under the leaked key (provider name, type, id), while you store and deploy the new key. Its progress shows on every screen of the path.',
    why: 'Whoever has the leaked key and a copy of the database can read these credentials: each must also be rotated at its provider. The listing does not hold up the new key: every minute the leaked key stays primary, new secrets are written under it. Rows the application writes under the leaked key after the listing read them are reported by the re-encryption as it moves them, and join the list.',
    working: true,
    actions: [],
  },
} satisfies Record<BackgroundTask, StepText>;

export const EMERGENCY_STEPS = {
  'emergency.generating': {
    title: 'Generating the new key',
    does: 'Makes the next key, as in phase 1.',
    working: true,
    actions: [],
  },
  'emergency.show': {
    title: 'Store the new key',
    does: 'Reveal it or write it to a 0600 file, store it in the secrets manager, confirm.',
    why: 'kek-rotate keeps no copy of the key.',
    actions: [
      { event: 'REVEAL_KEY', label: 'reveal the key' },
      { event: 'HIDE_KEY', label: 'mask it again' },
      { event: 'WRITE_KEY_FILE', label: 'write it to a 0600 file' },
      { event: 'CONFIRM', label: 'it is stored', guard: 'keySaved' },
    ],
  },
  'emergency.writingFile': {
    title: 'Writing the key file',
    does: 'Creates the file with mode 0600.',
    working: true,
    actions: [],
  },
  'emergency.deployBoth': {
    title: 'Deploy both keys now',
    does: 'Deploy the new key as primary and the leaked key as previous, everywhere at once, and give kek-rotate the same keys.',
    why: 'No staged deploy: every minute the leaked key stays primary, new secrets are written under it.',
    risks:
      'During a rolling deploy some replicas fail to read new values for a moment: accepted here, speed matters more.',
    actions: [{ event: 'CONFIRM', label: 'deployed' }],
  },
  'emergency.applying': {
    title: 'Checking the deploy',
    does: 'Checks that kek-rotate has both keys.',
    working: true,
    actions: [],
  },
  'emergency.reencrypting': {
    title: 'Re-encrypting with fresh data keys',
    does: 'Re-encrypts every value with a new data key under the new key, immediately, with no separate dry run.',
    why: 'The leaked key unwraps every old data key: rewrapping would keep data keys the attacker may already hold.',
    undo: 'Stopping is safe (both keys work) but leaves the leaked key needed: resume as soon as possible.',
    working: true,
    actions: [{ event: 'ABORT', label: 'stop' }],
  },
  'emergency.counting': {
    title: 'Counting rows per key id',
    does: 'Runs the verification SQL on every column.',
    working: true,
    actions: [],
  },
  'emergency.deepCheck': {
    title: 'Decrypting with the new key alone',
    does: 'Every value must decrypt with the new key alone.',
    working: true,
    actions: [],
  },
  'emergency.refused': {
    title: 'The leaked key is still needed',
    does: 'Some rows are still on the leaked key or cannot be read. Each reason is listed.',
    undo: 'Repair the listed rows and run the re-encryption again.',
    actions: [{ event: 'RETRY', label: 're-encrypt again' }],
  },
  'emergency.removeDeploy': {
    title: 'Remove the leaked key',
    does: 'Deploy without SECRETS_ENCRYPTION_KEY_PREVIOUS, everywhere and for kek-rotate. Do not archive a leaked key next to good ones.',
    actions: [{ event: 'CONFIRM', label: 'deployed without the leaked key', guard: 'removalAllowed' }],
  },
  'emergency.applyingRemoval': {
    title: 'Checking the deploy',
    does: 'Checks that kek-rotate has only the new key.',
    working: true,
    actions: [],
  },
  'emergency.waitingForList': {
    title: 'Waiting for the credential listing',
    does: 'The listing started with the path has not finished yet: it shows rows read of the total, the rate and the time left.',
    working: true,
    actions: [],
  },
  'emergency.completingList': {
    title: 'Completing the credential list',
    does: 'Adds the rows the re-encryption moved off the leaked key that the listing had not seen (written under it after the listing read them), with their names.',
    working: true,
    actions: [],
  },
  'emergency.checklist': {
    title: 'Rotate these credentials at their providers',
    does: 'The leaked key could read each of these: rotate it at its provider, tick it.',
    why: 'Re-encrypting protects the database from now on; it does not make a stolen copy of the old database unreadable. Revoke and re-issue each credential at its provider and enter the new value in the application. The list, grouped by provider, is also written to a Markdown and a CSV file (mode 0600) to hand on; `kek-rotate report` shows it with the ticks.',
    actions: [
      { event: 'TICK_CREDENTIAL', label: 'tick the selected credential (rotated at its provider)' },
      { event: 'CONFIRM', label: 'checklist noted' },
    ],
  },
  'emergency.failed': {
    title: 'A step of the emergency path failed',
    does: 'The message says what failed. Retry returns to that step.',
    actions: [{ event: 'RETRY', label: 'retry that step' }],
  },
} satisfies Record<string, StepText>;
