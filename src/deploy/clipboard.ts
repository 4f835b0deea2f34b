// Copying a snippet to the operator's clipboard from inside a terminal: the OSC 52 escape sequence,
// which the terminal (not this process) turns into a clipboard write. It works over SSH and in
// containers, where no clipboard program can be reached, but only when the terminal allows it:
// tmux needs `set -g set-clipboard on`, some terminals ask first or refuse. Nothing comes back to
// say it worked, so the screen says what to check.

/** What the screen tells the operator after sending the sequence (no key material). */
export const OSC52_HINT = 'The terminal must allow OSC 52 (tmux: set -g set-clipboard on).';

/**
 * `ESC ] 52 ; c ; <base64 of the UTF-8 text> BEL`: sets the clipboard ("c") to `text`. Base64 keeps
 * every byte of the text, newlines and quotes included, and leaves no control character inside the
 * sequence that could end it early. BEL rather than ESC \ ends it: every terminal that reads OSC 52
 * accepts BEL.
 */
export function osc52(text: string): string {
  return `\u001b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;
}
