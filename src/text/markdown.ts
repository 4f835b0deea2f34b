// Text from outside the tool inside a Markdown document: made terminal-safe as one line first (the
// report is also read with `cat`), then every character Markdown would act on inline is
// backslash-escaped, so the string renders as itself: no link, no HTML, no emphasis, no code span,
// and no `|` that would split a table cell.
import { safeText } from './terminal-safe.js';

const INLINE_SPECIAL = /[\\`*_[\]<>|~&]/g;

export function markdownText(text: string): string {
  return safeText(text).replace(INLINE_SPECIAL, '\\$&');
}
