// Where the tool wrote a new key, as the journal records it: a path in the step's message (never
// the key), so that a later session can tell the operator where the key of an unfinished rotation went.

const PREFIX = 'new key written to ';
const SUFFIX = ' (mode 0600)';

export function keyFileNote(path: string): string {
  return `${PREFIX}${path}${SUFFIX}`;
}

/** The path in a note written by keyFileNote, or undefined for any other message. */
export function keyFileOfNote(message: string | undefined): string | undefined {
  if (message === undefined || !message.startsWith(PREFIX) || !message.endsWith(SUFFIX)) return undefined;
  const path = message.slice(PREFIX.length, message.length - SUFFIX.length);
  return path === '' ? undefined : path;
}
