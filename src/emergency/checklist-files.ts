// Writes the emergency checklist to two new private files (0600: the list tells an attacker which
// providers to try the stolen credentials at) in the operator's directory, named after the leaked
// key and the rotation so two incidents never share a file. A name already taken gets -2, -3, ...:
// an earlier checklist is never overwritten.
import path from 'node:path';
import type { CredentialRef } from '../journal/entry.js';
import { UserError } from '../errors.js';
import { writePrivateFile } from '../files/write-private-file.js';
import { checklistCsv, checklistMarkdown } from './checklist-export.js';

async function writeNew(base: string, extension: string, text: string): Promise<string> {
  for (let attempt = 1; attempt <= 50; attempt++) {
    const file = `${base}${attempt === 1 ? '' : `-${attempt}`}${extension}`;
    try {
      await writePrivateFile(file, text, 'checklist');
      return file;
    } catch (error) {
      if (!(error instanceof UserError) || !error.message.startsWith('refusing to overwrite')) throw error;
    }
  }
  throw new UserError(
    `cannot find a free file name for ${base}${extension}`,
    'Move older checklists away from this directory.',
  );
}

export async function writeChecklistFiles(o: {
  dir: string;
  rotationId: string;
  keyId: string;
  credentials: readonly CredentialRef[];
  now: () => number;
}): Promise<{ markdown: string; csv: string }> {
  const name = `kek-rotate-checklist-${o.keyId}-${o.rotationId.slice(0, 8)}`.replace(/[^A-Za-z0-9._-]/g, '_');
  const base = path.join(o.dir, name);
  const writtenAt = new Date(o.now()).toISOString();
  const markdown = await writeNew(
    base,
    '.md',
    checklistMarkdown(o.credentials, { rotationId: o.rotationId, keyId: o.keyId, writtenAt }),
  );
  const csv = await writeNew(base, '.csv', checklistCsv(o.credentials));
  return { markdown, csv };
}
