// `kek-rotate credentials --key-id ID`: every credential whose stored value is on that key, grouped
// by provider: the incident responder's list of what to rotate at each provider when a key leaked.
// One read of each table (in id ranges, with progress on stderr); names only, never values.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { keyIdSchema } from '../../crypto/key.js';
import { checklistCsv, checklistMarkdown, checklistText } from '../../emergency/checklist-export.js';
import { groupByProvider } from '../../emergency/checklist-groups.js';
import { listCredentialsOnKey } from '../../effects/credentials-sql.js';
import { UserError } from '../../errors.js';
import { writePrivateFile } from '../../files/write-private-file.js';
import { defineCommand } from '../command.js';
import { DATABASE_URL, CONFIG, ENV_FILE, HELP, JSON_OUTPUT, PGLITE, TABLE } from '../common-flags.js';
import { asDatabaseError } from '../database-errors.js';
import { choiceFlag, type FlagSpec } from '../flags.js';
import { makeOutput } from '../output.js';
import { toJsonLine } from '../renderers/json-renderer.js';
import { scanProgressReporter } from '../scan-progress.js';
import { chooseDatabase, connect, databaseRequired, loadEnv, prepareColumns } from '../setup.js';

const FORMATS = ['text', 'markdown', 'csv'] as const;

const FLAGS = [
  {
    name: 'key-id',
    type: 'string',
    valueName: 'ID',
    description: 'The key whose credentials to list (the leaked one, e.g. kek-v1); required',
  },
  {
    name: 'format',
    type: 'string',
    valueName: 'FORMAT',
    description: 'text (default), markdown (a tick box each) or csv',
  },
  {
    name: 'output',
    short: 'o',
    type: 'string',
    valueName: 'FILE',
    description: 'Write to a new file (mode 0600) instead of stdout',
  },
  TABLE,
  JSON_OUTPUT,
  DATABASE_URL,
  PGLITE,
  ENV_FILE,
  CONFIG,
  HELP,
] as const satisfies readonly FlagSpec[];

export const credentialsCommand = defineCommand({
  name: 'credentials',
  summary: 'List the credentials stored under one key, by provider (a leaked key: what to rotate)',
  usage: 'kek-rotate credentials --key-id ID [options]',
  description: [
    'Every row whose value is encrypted under key ID, with the name and provider type the',
    'application gave it, grouped by provider: what must be rotated at each provider when',
    'ID leaked. Reads the table once (progress on stderr); needs no key; never shows a value.',
    'Run it before the re-encryption moves the rows (afterwards `kek-rotate report` has the',
    'list the runbook took).',
  ].join('\n'),
  flags: FLAGS,
  examples: [
    'kek-rotate credentials --key-id kek-v1',
    'kek-rotate credentials --key-id kek-v1 --format csv --output leaked-kek-v1.csv',
  ],
  async run({ flags }, ctx) {
    const json = flags.json === true;
    const out = makeOutput(ctx.io, { json, target: 'kek_rotate' });
    const keyId = flags['key-id'];
    if (keyId === undefined) {
      throw new UserError(
        '--key-id is required: the id of the key whose credentials to list (the leaked one)',
        'For example: kek-rotate credentials --key-id kek-v1. `kek-rotate verify` shows the key ids in use.',
      );
    }
    const idCheck = keyIdSchema.safeParse(keyId);
    if (!idCheck.success)
      throw new UserError(
        `--key-id ${JSON.stringify(keyId)} is not a key id: ${idCheck.error.issues[0]?.message ?? 'invalid'}`,
        'Give the id as it appears before ":" in the key, e.g. kek-v1.',
      );
    const format = choiceFlag(flags.format, '--format', FORMATS, 'text');
    if (json && flags.format !== undefined)
      throw new UserError(
        '--json and --format cannot be used together',
        'Use --json for one JSON object, or --format for text, markdown or csv.',
      );
    const target = flags.output;
    // Refused before the table is read, not after: the file is never overwritten.
    if (target !== undefined && existsSync(path.resolve(ctx.io.cwd, target))) {
      throw new UserError(
        `refusing to overwrite ${path.resolve(ctx.io.cwd, target)}: the file already exists`,
        'Give a new file name, or move the old file away.',
      );
    }
    const env = loadEnv(ctx.io, flags, out);
    const choice = chooseDatabase(env, flags);
    if (!choice) throw databaseRequired();
    const db = await connect(choice, out);
    try {
      const { columns } = await prepareColumns(db, flags, out);
      const onProgress = scanProgressReporter(out, json, 'credentials', `Listing rows on ${keyId} in`);
      const credentials = await listCredentialsOnKey(db, columns, keyId, ctx.signal, { onProgress }).catch(
        (error: unknown) => {
          throw asDatabaseError(error, 'listing the credentials failed');
        },
      );
      const groups = groupByProvider(credentials);
      const text = json
        ? `${toJsonLine({ keyId, total: credentials.length, byProviderType: Object.fromEntries(groups.map((g) => [g.providerType, g.items.length])), credentials })}\n`
        : format === 'csv'
          ? checklistCsv(credentials)
          : format === 'markdown'
            ? checklistMarkdown(credentials, { keyId, writtenAt: new Date().toISOString() })
            : checklistText(credentials);
      if (target !== undefined) {
        const file = path.resolve(ctx.io.cwd, target);
        await writePrivateFile(file, text, 'credential list');
        out.info(`Wrote ${credentials.length} credentials on ${keyId} to ${file} (mode 0600)`);
      } else {
        // Names come from database rows: each line is made terminal-safe by the formatters.
        ctx.io.stdout.write(text);
      }
      out.info(
        credentials.length === 0
          ? `No row is on ${keyId}: nothing it protects is stored now (already re-encrypted? \`kek-rotate report\` has the list the runbook took).`
          : `${credentials.length} credentials on ${keyId}: ${groups.map((g) => `${g.providerType || 'no type'} ${g.items.length}`).join(', ')}`,
      );
    } finally {
      await db.close().catch(() => undefined);
    }
  },
});
