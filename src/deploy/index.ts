// Env snippets for a key configuration, in the formats operators paste (see snippets.ts).
export { describeConfig, envEntries, MASK, type EnvEntry, type KeyConfig } from './env-entries.js';
export { dotenvValue, shellQuote, yamlQuote } from './quote.js';
export { osc52, OSC52_HINT } from './clipboard.js';
export { snippetFileName, writeSnippetFile } from './snippet-file.js';
export {
  DEFAULT_ENV_FILE,
  DEFAULT_IMAGE,
  DEFAULT_SECRET_NAME,
  dockerSnippet,
  dotenvSnippet,
  kubernetesSnippet,
  renderSnippet,
  shellSnippet,
  SNIPPET_FORMATS,
  SNIPPET_LABELS,
  type SnippetFormat,
  type SnippetOptions,
} from './snippets.js';
