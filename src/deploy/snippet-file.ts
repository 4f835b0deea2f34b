// Writing a whole snippet to a new file, for deployments fed from files (an --env-file, a manifest
// to apply). It holds the keys, so it gets the key file's guarantees: created new (never over an
// existing file or symlink), mode 0600 set and checked before any byte is written, synced, and
// removed again if anything failed.
import { constants, promises as fs } from 'node:fs';
import { UserError } from '../errors.js';
import type { KeyConfig } from './env-entries.js';
import type { SnippetFormat } from './snippets.js';

const SNIPPET_FILE_MODE = 0o600;

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

function fileError(path: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EEXIST') {
    return new UserError(`refusing to overwrite ${path}: the file already exists`, 'Give a new file name, or move the old file away if you are sure it holds nothing you need.');
  }
  return new UserError(`cannot write snippet file ${path}: ${code ?? String(error)}`, 'Check that the directory exists and that you may write to it.');
}

/** Writes `text` to a new file at `path` with mode 0600; refuses anything already there. */
export async function writeSnippetFile(path: string, text: string): Promise<void> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, SNIPPET_FILE_MODE);
  } catch (error) {
    throw fileError(path, error);
  }
  let written = false;
  try {
    await handle.chmod(SNIPPET_FILE_MODE); // the umask may have taken bits away; never more than 0600 either way
    const mode = (await handle.stat()).mode & 0o777;
    if (mode !== SNIPPET_FILE_MODE) {
      throw new UserError(
        `cannot make ${path} private: its mode is ${mode.toString(8)} instead of 600, so the snippet was not written`,
        'Write the snippet to a local file system that supports Unix permissions.',
      );
    }
    await handle.writeFile(text, 'utf8');
    await handle.sync();
    written = true;
  } catch (error) {
    throw error instanceof UserError ? error : fileError(path, error);
  } finally {
    await handle.close();
    // A half-written or readable-by-others file of keys is worse than none: remove what we created.
    if (!written) await fs.rm(path, { force: true });
  }
}
