// `kek-rotate verify`: where every value stands (rows per key id, NULLs, invalid payloads, from SQL
// that is correct on bytea), optionally decrypting every value. The exit code says pass or fail.
import { PRIMARY_VAR } from '../../crypto/key-ring.js';
import { IncompleteError } from '../../errors.js';
import { renderVerifyText } from '../../verify/render-verify-text.js';
import { verifyColumns } from '../../verify/verify-columns.js';
import { defineCommand } from '../command.js';
import { CONNECTION_FLAGS, HELP, JSON_OUTPUT, TABLE } from '../common-flags.js';
import { asDatabaseError } from '../database-errors.js';
import type { FlagSpec } from '../flags.js';
import { makeOutput } from '../output.js';
import { toJsonLine } from '../renderers/json-renderer.js';
import { PROGRESS_INTERVAL_MS } from '../renderers/plain-renderer.js';
import { proveConfiguredKeys } from '../prove-configured-keys.js';
import { scanProgressReporter } from '../scan-progress.js';
import { chooseDatabase, connect, databaseRequired, loadEnv, loadRing, logKeyRing, prepareColumns } from '../setup.js';

const FLAGS = [
  { name: 'deep', type: 'boolean', description: 'Also decrypt every value with the configured keys' },
  { name: 'only-primary', type: 'boolean', description: 'Decrypt every value with the primary key alone' },
  TABLE,
  JSON_OUTPUT,
  ...CONNECTION_FLAGS,
  HELP,
] as const satisfies readonly FlagSpec[];

export const verifyCommand = defineCommand({
  name: 'verify',
  summary: 'Count rows per key id (and decrypt them with --deep); exit 1 if not clean',
  usage: 'kek-rotate verify [options]',
  description: [
    'For each registered column: total rows, NULLs, rows per key id and rows that are',
    'not a valid payload, with the SQL it ran. Passes when every row is on the primary',
    'key (counts only without keys) and, with --deep/--only-primary, every value decrypts.',
  ].join('\n'),
  flags: FLAGS,
  examples: ['kek-rotate verify', 'kek-rotate verify --only-primary --json'],
  async run({ flags }, ctx) {
    const json = flags.json === true;
    const out = makeOutput(ctx.io, { json, target: 'kek_rotate' });
    const env = loadEnv(ctx.io, flags, out);
    const choice = chooseDatabase(env, flags);
    if (!choice) throw databaseRequired();
    // Counting needs no key; a configured key is still validated, and the deep checks need it.
    const hasKey = (env[PRIMARY_VAR] ?? '').trim() !== '';
    const ring = hasKey ? loadRing(env, flags, out) : undefined;
    if (ring) logKeyRing(out, ring);
    const db = await connect(choice, out);
    try {
      const { columns } = await prepareColumns(db, flags, out);
      // Decrypting every value with a key that is not the rows' key would report every row as
      // damaged; say what is wrong instead (exit 2), as reencrypt does.
      if (ring && (flags.deep === true || flags['only-primary'] === true))
        await proveConfiguredKeys(db, columns, ring, out);
      let lastLine = Date.now();
      const report = await verifyColumns({
        db,
        ring,
        columns,
        deep: flags.deep === true,
        onlyPrimary: flags['only-primary'] === true,
        primaryRows: true,
        signal: ctx.signal,
        // Counting reads the whole table: rows read of the total, rate, ETA (JSON lines on stderr with --json).
        onInventoryProgress: scanProgressReporter(out, json, 'inventory', 'Counting'),
        onProgress: (done, total, label) => {
          if (Date.now() - lastLine < PROGRESS_INTERVAL_MS) return;
          lastLine = Date.now();
          out.info(`Verifying ${label}: ${done} of ${total} values decrypted`);
        },
      }).catch((error: unknown) => {
        throw asDatabaseError(error, 'verification failed');
      });
      if (json) out.data(toJsonLine(report));
      else ctx.io.stdout.write(renderVerifyText(report));
      if (!report.passed) {
        throw new IncompleteError(
          `verification failed: ${report.problems.length} problem(s)`,
          'See the list above. Rows still on an old key: run `kek-rotate reencrypt`. Rows that do not decrypt: keep the old key configured and investigate them before removing it.',
        );
      }
    } finally {
      await db.close().catch(() => undefined);
    }
  },
});
