// Text for phase 0: preflight.
import type { StepText } from './types.js';

export const PREFLIGHT_STEPS = {
  'preflight.loading': {
    title: 'Reading keys and counting rows',
    does: 'Reads SECRETS_ENCRYPTION_KEY and SECRETS_ENCRYPTION_KEY_PREVIOUS (environment, .env or --env-file), checks both keys, connects to the database and counts every encrypted column by key id. Nothing is written.',
    why: 'Every later decision depends on which keys are configured and which keys the rows are on.',
    working: true,
    actions: [],
  },
  'preflight.readingJournal': {
    title: 'Reading the journal',
    does: 'Reads the journal of earlier sessions to see whether a rotation was left unfinished.',
    working: true,
    actions: [],
  },
  'preflight.failed': {
    title: 'Preflight failed',
    does: 'The keys or the database could not be read. The message says what is wrong and what to try.',
    risks: 'Nothing was changed: preflight only reads.',
    undo: 'Nothing to undo.',
    actions: [{ event: 'RETRY', label: 'try again' }],
  },
  'preflight.blocked': {
    title: 'Blocked: rows on a key that is not configured',
    does: 'Some rows are on a key that is neither the primary nor the previous key. A new rotation would leave them on a key nobody has configured: they would become unreadable.',
    why: 'The application accepts exactly one previous key. Starting a rotation now would push the current previous key out and strand its rows, on top of these.',
    risks: 'Those rows are unreadable by the application right now; reads of them fail.',
    undo: 'Repair first: put the missing key back as SECRETS_ENCRYPTION_KEY_PREVIOUS (from your archive), deploy, and finish that rotation (or choose the rollback here, which does exactly that). If the key is lost, those values cannot be recovered: re-enter those credentials in the application.',
    actions: [
      { event: 'RETRY', label: 'check again after a repair' },
      {
        event: 'START_ROLLBACK',
        label: 're-add the stranded key as previous and re-encrypt',
        guard: 'canRollbackStray',
      },
    ],
  },
  'preflight.wrongKey': {
    title: "Blocked: a configured key is not the rows' key",
    does: 'Each configured key was tried on a sample of the rows that carry its id, and one of them opened none: it has the right id but not the right bytes. Nothing was generated or written.',
    why: 'Every later step depends on these keys: a new key deployed beside a wrong one, or a re-encryption that cannot read its rows, only fails later, after the deploy.',
    risks:
      'If the application itself runs with this key, it cannot read these rows either: check its configuration too.',
    undo: 'Nothing to undo: preflight only reads. Set the variable named above to the key the application uses (from your secrets manager), then check again.',
    actions: [{ event: 'RETRY', label: 'check again after fixing the key' }],
  },
  'preflight.needKey': {
    title: 'A rotation is under way, and the tool lacks its new key',
    does: 'The journal shows a rotation that was not finished, rows are already on its new key, and the tool is configured with the old key only (it held the new key in memory last time). It continues only forward: load the new key from the file it was written to, or from your secrets manager into a file, and the tool carries on where the rotation stands.',
    why: 'Rows on the new key are not stray: they are the rotation half done. Re-encrypting them back onto the key being retired (or leaked) would undo it.',
    risks:
      'The application must keep running with the new key as SECRETS_ENCRYPTION_KEY and the old one as SECRETS_ENCRYPTION_KEY_PREVIOUS until the rotation ends, or it cannot read every row.',
    undo: 'Nothing changed yet. To abandon the rotation instead, deploy the old key as primary and the new one as previous (both keep working), and re-encrypt back deliberately: that is a new rotation, not a repair.',
    actions: [{ event: 'LOAD_KEY_FILE', label: 'load the new key from a file' }],
  },
  'preflight.loadingKey': {
    title: 'Loading the new key',
    does: 'Reads the key from the file (never shown), checks its id and tries it on a sample of the rows on that id before using it.',
    working: true,
    actions: [],
  },
  'preflight.resumeOffer': {
    title: 'A rotation is under way',
    does: 'The configuration (and the journal) show a rotation that was not finished. Continue where it stands: every phase is safe to run again.',
    why: 'Re-encryption is idempotent: rows already on the new key are skipped, so re-running a phase never does harm.',
    risks:
      'Starting a new rotation now would strand the rows still on the previous key, so it is only offered when no previous key is configured.',
    actions: [
      { event: 'RESUME_FROM_JOURNAL', label: 'continue where the rotation stands' },
      { event: 'START_FRESH', label: 'start a new rotation', guard: 'canStartFresh' },
    ],
  },
  'preflight.ready': {
    title: 'Ready to rotate',
    does: 'Shows the keys, the rows per key id in every column, NULLs, invalid rows and warnings. Choose the standard rotation or the emergency path.',
    why: 'Look at the counts before anything changes: they are the baseline the verification compares against.',
    risks:
      'Invalid rows (not a payload) cannot be rotated and will block removal of the old key later: repair them first if you can.',
    actions: [{ event: 'CHOOSE_PATH', label: 'rotate (standard) or emergency (key leaked)' }],
  },
} satisfies Record<string, StepText>;
