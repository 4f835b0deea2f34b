// `kek-rotate seed`: prepares a staging database for a rehearsal with the application's schema and
// fixture providers. The key goes to a 0600 file, never the screen unless --print-key.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { keyFileWarning } from '../../config/input-warnings.js';
import { readKeysFile } from '../../crypto/key-ring.js';
import { formatKey, parseKey } from '../../crypto/key.js';
import { openDatabase } from '../../db/open-database.js';
import { UserError } from '../../errors.js';
import { DEFAULT_ROWS, seedStagingDatabase } from '../../sandbox/index.js';
import { defineCommand } from '../command.js';
import { HELP, PGLITE } from '../common-flags.js';
import { positiveInteger, type FlagSpec } from '../flags.js';
import { makeOutput, type Output } from '../output.js';

const FLAGS = [
  {
    name: 'database-url',
    type: 'string',
    valueName: 'URL',
    description: 'The staging database (required; $DATABASE_URL is not read, on purpose)',
  },
  PGLITE,
  { name: 'rows', type: 'string', valueName: 'N', description: `Fixture providers to add (default ${DEFAULT_ROWS})` },
  {
    name: 'force',
    type: 'boolean',
    description: 'Add fixtures even if the table holds rows kek-rotate did not create (never modified)',
  },
  {
    name: 'key-out',
    type: 'string',
    valueName: 'FILE',
    description: 'Where to write the new key, mode 0600 (default ./kek-rotate-seed-kek-v1.key)',
  },
  {
    name: 'key-file',
    type: 'string',
    valueName: 'FILE',
    description: 'Encrypt under the key in FILE (from an earlier seed) instead of a new one',
  },
  { name: 'print-key', type: 'boolean', description: 'Also print the new key on stdout (it is a secret)' },
  HELP,
] as const satisfies readonly FlagSpec[];

function readOneKey(file: string, out: Output) {
  const open = keyFileWarning(file);
  if (open) out.warn(open);
  const keys = readKeysFile(file);
  if (keys.length !== 1)
    throw new UserError(
      `${file} holds ${keys.length} keys; --key-file needs exactly one`,
      'Give the file the earlier seed wrote.',
    );
  return keys[0]!;
}

export const seedCommand = defineCommand({
  name: 'seed',
  summary: 'Prepare a staging database for a rehearsal (schema and fixture providers)',
  usage: 'kek-rotate seed --database-url URL [options]',
  description: [
    "Creates the application's llm_providers table if it is absent and adds fixture",
    'providers encrypted under a new kek-v1, written to a file only you can read. Refuses',
    'a table holding rows it did not create unless --force.',
  ].join('\n'),
  flags: FLAGS,
  examples: [
    'kek-rotate seed --database-url postgres://app@staging/app --rows 500',
    'kek-rotate seed --pglite ./rehearsal-db',
  ],
  async run({ flags }, ctx) {
    const out = makeOutput(ctx.io, { json: false, target: 'kek_rotate' });
    const url = flags['database-url'];
    const pgliteDir = flags.pglite;
    if ((url === undefined || url.trim() === '') && pgliteDir === undefined) {
      throw new UserError(
        'seed needs --database-url URL (or --pglite DIR)',
        'Name the staging database explicitly: seed never reads DATABASE_URL, so it cannot touch production by accident.',
      );
    }
    if (url !== undefined && pgliteDir !== undefined)
      throw new UserError('--pglite and --database-url both name a database', 'Give one of them.');
    const rows = positiveInteger(flags.rows, '--rows', DEFAULT_ROWS);
    const keyFile = flags['key-file'];
    const keyOut = flags['key-out'];
    if (keyFile !== undefined && keyOut !== undefined)
      throw new UserError(
        '--key-file and --key-out exclude each other',
        'With --key-file no new key is made, so there is nothing to write.',
      );
    const key = keyFile !== undefined ? readOneKey(resolve(ctx.io.cwd, keyFile), out) : undefined;

    const db = await openDatabase(
      url !== undefined ? { databaseUrl: url } : { pgliteDir: resolve(ctx.io.cwd, pgliteDir!) },
    );
    try {
      const result = await seedStagingDatabase({
        db,
        rows,
        force: flags.force === true,
        keyOutPath: resolve(ctx.io.cwd, keyOut ?? `kek-rotate-seed-kek-v1.key`),
        ...(key ? { key } : {}),
      });
      const lines = [
        `Seeded ${result.database}: ${result.createdSchema ? 'created the llm_providers table, ' : ''}inserted ${result.inserted} providers (${result.withoutKey} without an API key) under ${result.keyId}.`,
        result.earlierFixtureRows + result.otherRows > 0
          ? `Already there: ${result.earlierFixtureRows} fixture rows from earlier seeds, ${result.otherRows} other rows (left untouched).`
          : undefined,
        result.keyFile
          ? `The key ${result.keyId} is in ${result.keyFile} (mode 0600). Keep it: the rows cannot be read without it.`
          : `Used the key ${result.keyId} from ${keyFile}.`,
        `Next: SECRETS_ENCRYPTION_KEY="$(cat ${result.keyFile ?? keyFile})" kek-rotate ${url !== undefined ? '--database-url URL' : `--pglite ${pgliteDir}`}`,
      ];
      for (const line of lines) if (line) out.data(line);
      if (flags['print-key'] === true && result.keyFile) {
        out.warn(`The next line on stdout is the secret key ${result.keyId}; do not paste it into chats or tickets.`);
        ctx.io.stdout.write(`${formatKey(parseKey(readFileSync(result.keyFile, 'utf8').trim(), result.keyFile))}\n`);
      }
    } finally {
      await db.close().catch(() => undefined);
    }
  },
});
