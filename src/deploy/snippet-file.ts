// Writing a whole snippet to a new file, for deployments fed from files (an --env-file, a manifest
// to apply). It holds the keys, so it gets the key file's guarantees: created new (never over an
// existing file or symlink), mode 0600 set and checked before any byte is written, synced, and
// removed again if anything failed.
import { writePrivateFile } from '../files/write-private-file.js';
import type { KeyConfig } from './env-entries.js';
import type { SnippetFormat } from './snippets.js';

const EXTENSIONS: Record<SnippetFormat, string> = {
  dotenv: '.env',
  shell: '.sh',
  kubernetes: '.yaml',
  docker: '.docker.sh',
};

/** The file name offered for a format and configuration, e.g. `kek-v2+kek-v1.env` or `kek-v2.yaml`. */
export function snippetFileName(format: SnippetFormat, config: KeyConfig): string {
  const ids = config.previous ? `${config.primary.id}+${config.previous.id}` : config.primary.id;
  return `${ids}${EXTENSIONS[format]}`;
}

/** Writes `text` to a new file at `path` with mode 0600; refuses anything already there. */
export async function writeSnippetFile(path: string, text: string): Promise<void> {
  await writePrivateFile(path, text, 'snippet');
}
