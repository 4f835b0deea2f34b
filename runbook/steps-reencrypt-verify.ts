// Text for phase 3 (re-encrypt) and phase 4 (verify).
import type { StepText } from './types.js';

const STOP_IS_SAFE =
  'Stopping is safe: both keys are deployed, every row is readable, and a later run picks up where this one stopped.';

export const REENCRYPT_VERIFY_STEPS = {
  'reencrypt.dryRun': {
    title: 'Dry run',
    does: 'Reads and decrypts every value it would move, writes nothing. Counts rows per key id and lists rows that cannot be decrypted.',
    why: 'A row that cannot be decrypted now will fail in the live run too: better to see it before anything changes.',
    undo: 'Nothing to undo: a dry run writes nothing.',
    working: true,
    actions: [{ event: 'ABORT', label: 'stop' }],
  },
  'reencrypt.dryRunReview': {
    title: 'Dry run result',
    does: 'Shows rows to move per key id and every row that cannot be decrypted (id and reason). Confirm to start the live run.',
    risks:
      'Rows listed as failing will stay on their old key and block removal of it: repair them (re-enter the credential in the application) or accept that they block.',
    actions: [
      { event: 'CONFIRM', label: 'start the live run' },
      { event: 'CANCEL', label: 'back to the deploy (nothing was written)' },
      { event: 'ABORT', label: 'stop here' },
    ],
  },
  'reencrypt.live': {
    title: 'Re-encrypting',
    does: 'Moves every value onto the new key in batches, each batch one transaction that only writes rows still holding the value it read.',
    why: 'The application keeps writing: a value it changed during the run is re-read, never overwritten with an old copy.',
    risks: 'Failed rows are listed with id and reason and stay readable on their old key. Locked rows are revisited.',
    undo: STOP_IS_SAFE,
    working: true,
    actions: [
      { event: 'PAUSE', label: 'pause (the batch in flight finishes)' },
      { event: 'ABORT', label: 'stop' },
    ],
  },
  'reencrypt.paused': {
    title: 'Paused',
    does: 'The run stopped after its batch in flight. Resuming starts the pass again; rows already moved are skipped.',
    undo: STOP_IS_SAFE,
    actions: [
      { event: 'RESUME', label: 'resume' },
      { event: 'ABORT', label: 'stop' },
    ],
  },
  'reencrypt.liveReview': {
    title: 'Live run result',
    does: 'Rows moved, already on the new key, NULL, failed (listed), locked. Confirm to verify.',
    risks:
      'Any failure or locked row means the verification will refuse removal until it is fixed; run again after a repair.',
    actions: [
      { event: 'CONFIRM', label: 'verify' },
      { event: 'RETRY', label: 'run the live pass again' },
      { event: 'ABORT', label: 'stop here' },
    ],
  },
  'reencrypt.failed': {
    title: 'The run failed',
    does: 'The engine stopped with an error (database gone, child process failed). Rows already moved stay moved; every row is readable with both keys.',
    undo: STOP_IS_SAFE,
    actions: [
      { event: 'RETRY', label: 'run it again' },
      { event: 'ABORT', label: 'stop here' },
    ],
  },
  'verify.secondDryRun': {
    title: 'Second dry run',
    does: 'A dry run that must find nothing to move and nothing it cannot read.',
    working: true,
    actions: [{ event: 'ABORT', label: 'stop' }],
  },
  'verify.counting': {
    title: 'Counting rows per key id',
    does: "Runs the verification SQL on every column (shown, to paste into psql). It decodes bytea first: the runbook's `col::text LIKE` check always returns 0 on bytea.",
    working: true,
    actions: [{ event: 'ABORT', label: 'stop' }],
  },
  'verify.deepCheck': {
    title: 'Decrypting everything with the new key alone',
    does: 'Decrypts every stored value with only the new key: exactly what the application can do once the old key is gone.',
    working: true,
    actions: [{ event: 'ABORT', label: 'stop' }],
  },
  'verify.passed': {
    title: 'Verified',
    does: '0 rows on the old key, 0 invalid, every value decrypts with the new key alone. The old key may go.',
    actions: [
      { event: 'CONFIRM', label: 'go to removal', guard: 'removalAllowed' },
      { event: 'ABORT', label: 'stop here' },
    ],
  },
  'verify.refused': {
    title: 'Removal refused',
    does: 'Something still needs the old key, or cannot be read at all. Each reason is listed.',
    why: 'Removing the old key now would make those rows unreadable for the application.',
    undo: 'Repair the listed rows (or wait for locks to clear), then run the re-encryption again.',
    actions: [
      { event: 'RETRY', label: 're-encrypt again, then verify' },
      { event: 'ABORT', label: 'stop here (both keys keep working)' },
    ],
  },
  'verify.failed': {
    title: 'Verification failed to run',
    does: 'A query or the dry run failed. Nothing was changed.',
    actions: [
      { event: 'RETRY', label: 'verify again' },
      { event: 'ABORT', label: 'stop here' },
    ],
  },
} satisfies Record<string, StepText>;
