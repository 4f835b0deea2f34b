// Nothing in the tree imports this any more: the one definition is src/text/terminal-safe.ts.
/** @deprecated Import safeText from src/text/terminal-safe.ts; this file goes once in-flight work has moved. */
export { safeText } from '../text/terminal-safe.js';
