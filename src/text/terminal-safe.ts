// The one definition of "safe to show". Text that comes from outside the tool (key ids, reasons and
// names from database rows, journal lines, the output of the application's own tool) may hold
// characters that drive a terminal (ESC and C1 sequences repaint the screen, set the title, ring the
// bell), change how a line reads (bidi controls reorder it), or break one line into two (newlines,
// U+2028/U+2029). Every such string passes through this module before it reaches a terminal, a
// Markdown report or a JSON line.
//
// The character class, once:
//   C0 controls U+0000–U+001F (\t and \n included: each use says what becomes of them), DEL U+007F,
//   C1 controls U+0080–U+009F, the bidi controls U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069,
//   and the line and paragraph separators U+2028, U+2029.

const CLASS = '\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069\\u2028\\u2029';
const UNSAFE = new RegExp(`[${CLASS}]`, 'g');
const UNSAFE_ONE = new RegExp(`[${CLASS}]`);

/** U+FFFD: what an unsafe character becomes unless told otherwise (visible, so nothing disappears unnoticed). */
export const REPLACEMENT = '\uFFFD';

/** What \n (and \r) or \t become: like any other unsafe character, a space, or kept as they are. */
export type LayoutCharacter = 'replace' | 'space' | 'keep';

export interface SafeTextOptions {
  /**
   * \n and \r: 'replace' (default: a single-line field), 'space' (one line of prose that may have
   * been wrapped: a journal message), 'keep' (multi-line text: \n kept, \r still replaced).
   */
  newline?: LayoutCharacter;
  /** \t: 'replace' (default), 'space' or 'keep'. */
  tab?: LayoutCharacter;
  /** What every other unsafe character becomes: U+FFFD by default; '' drops it. */
  replacement?: string;
}

/** True when the text holds any character of the class (\t and \n included). */
export function hasUnsafeCharacters(text: string): boolean {
  return UNSAFE_ONE.test(text);
}

/** The text with every character of the class replaced (by default as one line: \n and \t too). */
export function safeText(text: string, options: SafeTextOptions = {}): string {
  const replacement = options.replacement ?? REPLACEMENT;
  const newline = options.newline ?? 'replace';
  const tab = options.tab ?? 'replace';
  return text.replace(UNSAFE, (c) => {
    if (c === '\n' || c === '\r') {
      if (newline === 'space') return ' ';
      if (newline === 'keep' && c === '\n') return c;
    } else if (c === '\t') {
      if (tab === 'space') return ' ';
      if (tab === 'keep') return c;
    }
    return replacement;
  });
}

function escapeOf(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Every character of the class as a visible escape (`\x1b`, `\u202e`): where the exact text matters. */
export function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE, escapeOf);
}

// Whole escape sequences, so that a child's coloured output reads as its plain text: CSI (colours,
// cursor moves), OSC (titles, hyperlinks) ended by BEL or ST, and the other ESC sequences (ESC c, ESC ( B).
const ESCAPE_SEQUENCE = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[ -/]*[0-~]/g;

/** Escape sequences removed whole, then every other unsafe character dropped (\t kept): a child's output line as text. */
export function plainLine(text: string): string {
  return safeText(text.replace(ESCAPE_SEQUENCE, ''), { tab: 'keep', replacement: '' });
}

/**
 * One line of JSON that stays one line and carries nothing raw a terminal would act on when the
 * output is `cat`ed: JSON.stringify escapes C0 controls inside strings; every other character of the
 * class (DEL, C1, bidi controls, U+2028/U+2029) becomes a `\uXXXX` escape too. Still valid JSON.
 */
export function jsonLine(value: unknown): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
