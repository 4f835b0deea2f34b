// The keys of the interactive runbook: which key does what, once. The screens take their keys from
// here (src/ui/app/step-actions.ts), the README's key table is generated from here
// (`npm run readme:help`), and a test walks every step of the machine to check that Enter, Esc, ?
// and q do on screen what this table says.

/** The key of each kind of action, as the screens bind it. */
export const KEY_OF = {
  confirm: 'y',
  back: 'escape',
  help: '?',
  quit: 'q',
  revealKey: 'k',
  writeFile: 'w',
  loadKey: 'l',
  pause: 'p',
  stop: 'a',
  again: 'r',
  continue: 'c',
  startFresh: 'n',
  rollback: 'b',
  emergency: 'e',
  tick: 'space',
} as const;

export interface KeyRow {
  readonly keys: string;
  readonly where: string;
  readonly does: string;
}

/** The key table, for people: every key, where it applies, what it does. */
export const KEY_TABLE: readonly KeyRow[] = [
  {
    keys: 'Enter',
    where: 'every step',
    does: "the step's main action: the same as y wherever y confirms; at preflight, start a rotation. Where a step has none, pressing it says why (e.g. reveal or write the key first)",
  },
  {
    keys: KEY_OF.confirm,
    where: 'steps that ask for a confirmation',
    does: 'confirm (deployed, start the live run, remove the old key); removing a key asks you to type its id',
  },
  {
    keys: 'Esc',
    where: 'deploy snippets, the dry-run result; help, prompts, the raw view',
    does: 'back one step where that changes nothing; closes the help, a prompt or the raw view. Elsewhere it says why there is no way back',
  },
  {
    keys: KEY_OF.help,
    where: 'every step',
    does: 'help: why the step is done this way, what can go wrong, how to undo it, and every key of the screen',
  },
  {
    keys: `${KEY_OF.quit}, Ctrl-C`,
    where: 'every step',
    does: 'quit; during a live run it asks first (a second press or y confirms). What is done stays done; run kek-rotate again to continue',
  },
  {
    keys: KEY_OF.revealKey,
    where: 'the new key, deploy snippets',
    does: 'show or hide key material (masked by default)',
  },
  {
    keys: KEY_OF.writeFile,
    where: 'the new key, deploy snippets',
    does: 'write the key, or the whole snippet, to a new file with mode 0600',
  },
  {
    keys: 'v, c, ←/→',
    where: 'deploy snippets',
    does: 'raw view to select with the mouse, copy to the clipboard (OSC 52), change format',
  },
  {
    keys: KEY_OF.loadKey,
    where: 'preflight, when the tool lacks the new key',
    does: 'load it from a file (never shown)',
  },
  {
    keys: KEY_OF.again,
    where: 'failed steps, results',
    does: 'do it again: retry the step, run the live pass again, re-encrypt again',
  },
  { keys: KEY_OF.pause, where: 'live run', does: 'pause, and resume' },
  { keys: KEY_OF.stop, where: 're-encryption', does: 'stop safely (both keys keep working)' },
  { keys: KEY_OF.continue, where: 'resume offer, safe stop', does: 'continue where the rotation stopped' },
  {
    keys: `${KEY_OF.emergency}, ${KEY_OF.startFresh}, ${KEY_OF.rollback}, 1, 2`,
    where: 'preflight, deploy choice, done',
    does: 'emergency path, start fresh, roll back, runbook order or staged deploy',
  },
  {
    keys: '↑/↓, PgUp/PgDn, Space',
    where: 'lists (failures, the emergency checklist)',
    does: 'move; Space ticks a credential as rotated at its provider',
  },
];

/** The key table as Markdown (the README's). */
export function keyTableMarkdown(): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  return [
    '| Key | Where | What it does |',
    '| --- | --- | --- |',
    ...KEY_TABLE.map((r) => `| \`${cell(r.keys)}\` | ${cell(r.where)} | ${cell(r.does)} |`),
  ].join('\n');
}
