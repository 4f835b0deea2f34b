// Strings that come from the database (ids, reasons, names) may hold terminal control sequences;
// they are stripped before anything is drawn, so a stored value cannot repaint the operator's screen.

// C0 and C1 controls, DEL, and the bidirectional overrides that can reorder what a line appears to say.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** The text with every control character replaced by U+FFFD (visible, so nothing silently disappears). */
export function safeText(text: string): string {
  return text.replace(UNSAFE, '\uFFFD');
}
