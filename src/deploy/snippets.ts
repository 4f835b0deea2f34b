// Env snippets an operator pastes into their deployment: dotenv, shell exports, a Kubernetes
// Secret, docker run flags. Pure text; the deploy screen shows, copies and writes them. Comment
// lines stay within 78 columns, so a masked snippet fits an 80-column terminal whole; only lines
// holding a revealed key are wider (the raw view shows those unbroken).
import { PREVIOUS_VAR } from '../crypto/key-ring.js';
import { describeConfig, envEntries, removedNames, type KeyConfig, type RenderOptions } from './env-entries.js';
import { dotenvValue, shellQuote, yamlQuote } from './quote.js';

export const SNIPPET_FORMATS = ['dotenv', 'shell', 'kubernetes', 'docker'] as const;
export type SnippetFormat = (typeof SNIPPET_FORMATS)[number];

export const SNIPPET_LABELS: Record<SnippetFormat, string> = {
  dotenv: '.env',
  shell: 'shell export',
  kubernetes: 'Kubernetes Secret',
  docker: 'docker run',
};

export interface SnippetOptions extends RenderOptions {
  /** Kubernetes Secret name and namespace. */
  readonly secretName?: string | undefined;
  readonly namespace?: string | undefined;
  /** Kubernetes: `stringData` (plain values, the API server encodes them) or `data` (base64 of each value). */
  readonly kubernetesField?: 'stringData' | 'data' | undefined;
  /** Container image for the docker example. */
  readonly image?: string | undefined;
  /** File name used in comments for the env file. */
  readonly envFile?: string | undefined;
}

export const DEFAULT_SECRET_NAME = 'everruns-encryption-keys';
export const DEFAULT_IMAGE = 'everruns';
export const DEFAULT_ENV_FILE = 'encryption-keys.env';

export function renderSnippet(format: SnippetFormat, config: KeyConfig, options: SnippetOptions = {}): string {
  switch (format) {
    case 'dotenv':
      return dotenvSnippet(config, options);
    case 'shell':
      return shellSnippet(config, options);
    case 'kubernetes':
      return kubernetesSnippet(config, options);
    case 'docker':
      return dockerSnippet(config, options);
    default: {
      const _exhaustive: never = format;
      throw new Error(`unknown snippet format ${String(_exhaustive)}`);
    }
  }
}

export function dotenvSnippet(config: KeyConfig, options: SnippetOptions = {}): string {
  const lines = [`# ${describeConfig(config)}`];
  for (const entry of envEntries(config, options)) lines.push(`${entry.name}=${dotenvValue(entry.value)}`);
  for (const name of removedNames(config))
    lines.push(`# remove any ${name}= line:`, '# the old key must no longer be configured');
  return lines.join('\n') + '\n';
}

export function shellSnippet(config: KeyConfig, options: SnippetOptions = {}): string {
  const lines = [`# ${describeConfig(config)}`];
  for (const entry of envEntries(config, options)) lines.push(`export ${entry.name}=${shellQuote(entry.value)}`);
  for (const name of removedNames(config)) lines.push(`unset ${name}`);
  return lines.join('\n') + '\n';
}

export function kubernetesSnippet(config: KeyConfig, options: SnippetOptions = {}): string {
  const field = options.kubernetesField ?? 'stringData';
  const name = options.secretName ?? DEFAULT_SECRET_NAME;
  const lines = [`# ${describeConfig(config)}`];
  for (const removed of removedNames(config)) {
    // kubectl apply does not delete a key that was only dropped from the manifest's stringData
    // (the server stores it under data), so the old key has to be removed explicitly.
    lines.push(
      `# ${removed} must be deleted from the live Secret`,
      '# (kubectl apply alone keeps it):',
      `#   kubectl patch secret ${name}${options.namespace ? ` -n ${options.namespace}` : ''} --type=json \\`,
      `#     -p '[{"op":"remove","path":"/data/${removed}"}]'`,
    );
  }
  lines.push('apiVersion: v1', 'kind: Secret', 'metadata:', `  name: ${yamlQuote(name)}`);
  if (options.namespace) lines.push(`  namespace: ${yamlQuote(options.namespace)}`);
  lines.push('type: Opaque', `${field}:`);
  for (const entry of envEntries(config, options)) {
    const value = field === 'data' ? encodeForData(entry.value, options) : entry.value;
    lines.push(`  ${entry.name}: ${yamlQuote(value)}`);
  }
  return lines.join('\n') + '\n';
}

function encodeForData(value: string, options: SnippetOptions): string {
  // A masked value has no real bytes to encode; say so rather than base64 the stand-in.
  return options.mask ? '(base64, hidden)' : Buffer.from(value, 'utf8').toString('base64');
}

export function dockerSnippet(config: KeyConfig, options: SnippetOptions = {}): string {
  const image = options.image ?? DEFAULT_IMAGE;
  const envFile = options.envFile ?? DEFAULT_ENV_FILE;
  const names = envEntries(config, options).map((entry) => entry.name);
  const lines = [
    `# ${describeConfig(config)}`,
    '# Keys never go on the command line (ps and shell history show it).',
    '# `-e NAME` without a value copies NAME from this shell: export the',
    `# variables first (shell tab), or put the .env lines in ${envFile}`,
    '# (chmod 600) and use --env-file.',
    `docker run ${names.map((n) => `-e ${n}`).join(' ')} ${image}`,
    `docker run --env-file ${envFile} ${image}`,
  ];
  if (!config.previous) {
    lines.push(`# ${PREVIOUS_VAR} must be neither exported`, `# nor in ${envFile}.`);
  }
  return lines.join('\n') + '\n';
}
