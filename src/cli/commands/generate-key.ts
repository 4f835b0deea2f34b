// `kek-rotate generate-key`: a new KEK under the next free id. Written to a 0600 file with --out;
// printed only when there is nowhere else to put it, with a warning that it is a secret.
import { chooseNewKeyId, generateKek, writeKeyFile } from '../../crypto/generate-key.js';
import { PRIMARY_VAR, type KeyRing } from '../../crypto/key-ring.js';
import { formatKey } from '../../crypto/key.js';
import { scanInventory } from '../../db/inventory-scan.js';
import { defineCommand } from '../command.js';
import { CONNECTION_FLAGS, HELP } from '../common-flags.js';
import { asDatabaseError } from '../database-errors.js';
import type { FlagSpec } from '../flags.js';
import { makeOutput } from '../output.js';
import { scanProgressReporter } from '../scan-progress.js';
import { proveConfiguredKeys } from '../prove-configured-keys.js';
import { chooseDatabase, connect, loadEnv, loadRing, prepareColumns } from '../setup.js';

const FLAGS = [
  { name: 'id', type: 'string', valueName: 'ID', description: 'Key id to use (default: the one after the primary)' },
  {
    name: 'out',
    short: 'o',
    type: 'string',
    valueName: 'FILE',
    description: 'Write the key to FILE (mode 0600) instead of stdout',
  },
  ...CONNECTION_FLAGS,
  HELP,
] as const satisfies readonly FlagSpec[];

export const generateKeyCommand = defineCommand({
  name: 'generate-key',
  summary: 'Make a new key with the next id (kek-v1 -> kek-v2)',
  usage: 'kek-rotate generate-key [options]',
  description: [
    'Generates 32 random bytes under the next key id after the primary, refusing any id',
    'already configured or (with a database) already on a row. Prints `<id>:<base64>`,',
    'or writes it to a new file only you can read with --out.',
  ].join('\n'),
  flags: FLAGS,
  examples: [
    'kek-rotate generate-key --out kek-v2.key',
    'kek-rotate generate-key --id kek-v7 --database-url "$DATABASE_URL"',
  ],
  async run({ flags }, ctx) {
    const out = makeOutput(ctx.io, { json: false, target: 'kek_rotate' });
    const env = loadEnv(ctx.io, flags, out);
    const ring: KeyRing | undefined = (env[PRIMARY_VAR] ?? '').trim() !== '' ? loadRing(env, flags, out) : undefined;
    const idsInDatabase: string[] = [];
    const choice = chooseDatabase(env, flags);
    if (choice) {
      const db = await connect(choice, out);
      try {
        const { columns } = await prepareColumns(db, flags, out);
        // A new key is deployed beside the current one: that one must really be the rows' key.
        if (ring) await proveConfiguredKeys(db, columns, ring, out);
        for (const column of columns) {
          const onProgress = scanProgressReporter(out, false, 'inventory', 'Reading key ids of');
          const inventory = await scanInventory(db, column, { onProgress }).catch((error: unknown) => {
            throw asDatabaseError(error, `reading key ids of ${column.label}`);
          });
          idsInDatabase.push(...Object.keys(inventory.byKeyId));
        }
      } finally {
        await db.close().catch(() => undefined);
      }
    } else {
      out.warn(
        'No database given: key ids on rows were not checked (give --database-url or set DATABASE_URL to check them).',
      );
    }
    const id = chooseNewKeyId({
      ring,
      currentPrimaryId: ring?.primary.id,
      idsInDatabase,
      requested: flags.id,
    });
    const key = generateKek(id, ring);
    const file = flags.out;
    if (file !== undefined) {
      await writeKeyFile(file, key);
      out.info(`Wrote new key ${id} to ${file} (mode 0600). Store it in your secrets manager, then delete the file.`);
      return;
    }
    out.warn(
      `The line on stdout is the secret key ${id}. Store it in your secrets manager; do not paste it into chats or tickets.`,
    );
    ctx.io.stdout.write(`${formatKey(key)}\n`);
  },
});
