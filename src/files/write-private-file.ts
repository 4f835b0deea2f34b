// Writing secrets to disk: a new file only its owner can read. Created with O_EXCL (never over an
// existing file, never through a symlink), mode 0600 set and checked before any byte is written,
// synced, and removed again if anything failed: a half-written or readable-by-others file of keys
// is worse than none. Used for key files and for deploy snippets (which hold keys).
import { constants, promises as fs } from 'node:fs';
import { UserError } from '../errors.js';

const PRIVATE_MODE = 0o600;

function fileError(path: string, what: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EEXIST') {
    return new UserError(
      `refusing to overwrite ${path}: the file already exists`,
      'Give a new file name, or move the old file away if you are sure it holds nothing you need.',
    );
  }
  return new UserError(
    `cannot write ${what} file ${path}: ${code ?? String(error)}`,
    'Check that the directory exists and that you may write to it.',
  );
}

/** Writes `text` to a new file at `path` with mode 0600. `what` names the content in errors ("key", "snippet"). */
export async function writePrivateFile(path: string, text: string, what: string): Promise<void> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, PRIVATE_MODE);
  } catch (error) {
    throw fileError(path, what, error);
  }
  let written = false;
  try {
    await handle.chmod(PRIVATE_MODE); // the umask may have taken bits away; never more than 0600 either way
    const mode = (await handle.stat()).mode & 0o777;
    if (mode !== PRIVATE_MODE) {
      throw new UserError(
        `cannot make ${path} private: its mode is ${mode.toString(8)} instead of 600, so the ${what} was not written`,
        `Write the ${what} to a local file system that supports Unix permissions.`,
      );
    }
    await handle.writeFile(text, 'utf8');
    await handle.sync();
    written = true;
  } catch (error) {
    throw error instanceof UserError ? error : fileError(path, what, error);
  } finally {
    await handle.close();
    if (!written) await fs.rm(path, { force: true });
  }
}
