// `kek-rotate` with no command, in a terminal: the interactive runbook against the configured
// database, with the production effects (keys from the environment, re-read after each deploy).
import { leftSummary, mayHaveChanged, sessionLeftError, type SessionEndContext } from '../session-end.js';
import type { StepId } from '../../machine/contract.js';
import { randomUUID } from 'node:crypto';
import { openDatabase } from '../../db/open-database.js';
import { loadRegistryConfig } from '../../db/registry-config.js';
import { createProductionEffects } from '../../effects/production-effects.js';
import { UserError } from '../../errors.js';
import { defaultJournalPath } from '../../journal/index.js';
import { defineCommand } from '../command.js';
import { CONNECTION_FLAGS, HELP, JOURNAL } from '../common-flags.js';
import { flag, type FlagValues } from '../flags.js';
import {
  endOfSession,
  inkColor,
  reportJournal,
  sessionJournal,
  terminalStreams,
  ttyOf,
} from '../interactive-session.js';
import { requireTty } from '../require-tty.js';
import { TUNING_FLAGS, parseTuning } from '../tuning-flags.js';
import { chooseDatabase, loadEnv } from '../setup.js';

const FLAGS = [
  flag({ name: 'emergency', type: 'boolean', description: 'The key leaked: take the emergency path at once' }),
  JOURNAL,
  ...TUNING_FLAGS,
  ...CONNECTION_FLAGS,
  HELP,
] as const;

/** The command the operator ran, as far as it matters to run it again (a URL is named, never shown). */
function sameCommand(flags: FlagValues<typeof FLAGS>): string {
  const parts = ['kek-rotate'];
  if (flags.emergency === true) parts.push('--emergency');
  if (typeof flags.pglite === 'string') parts.push(`--pglite ${flags.pglite}`);
  if (typeof flags['database-url'] === 'string') parts.push('--database-url "$DATABASE_URL"');
  for (const name of ['env-file', 'keys-file', 'config', 'journal'] as const) {
    const value = flags[name];
    if (typeof value === 'string') parts.push(`--${name} ${value}`);
  }
  return parts.join(' ');
}

function noDatabase(): UserError {
  return new UserError(
    'the runbook needs a database: DATABASE_URL is not set',
    'Set DATABASE_URL (environment or .env) or pass --database-url URL (or --pglite DIR). To practise first without any database, run `kek-rotate rehearse`.',
  );
}

export const interactiveCommand = defineCommand({
  name: 'kek-rotate',
  summary: 'The interactive runbook (no command, in a terminal)',
  usage: 'kek-rotate [options]',
  description: [
    'In a terminal, with no command: the interactive runbook. Preflight, new key, deploy',
    'with both keys, re-encrypt, verify, remove the old key; stop, rollback and the',
    'emergency path; every step journaled (see `kek-rotate report`).',
  ].join('\n'),
  flags: FLAGS,
  examples: [
    'kek-rotate --database-url "$DATABASE_URL"',
    'kek-rotate --emergency',
    'kek-rotate --engine container --image everruns-admin:1.4',
  ],
  async run({ flags }, ctx) {
    const { io } = ctx;
    const { mode, ...tuning } = parseTuning(flags);
    requireTty(ttyOf(io), 'The interactive runbook');

    const env = loadEnv(io, flags);
    const choice = chooseDatabase(env, flags);
    if (!choice) throw noDatabase();
    const columns = loadRegistryConfig(flags.config);
    const journal = sessionJournal(flags.journal ?? defaultJournalPath(io.env));
    const db = await openDatabase({ ...choice, applicationName: 'kek-rotate runbook' });
    try {
      const effects = createProductionEffects({
        db,
        env: { cwd: io.cwd, envFile: flags['env-file'], processEnv: io.env },
        keysFile: flags['keys-file'],
        columns,
        ...tuning,
        databaseUrl: choice.databaseUrl,
        journal,
      });
      // Ink and React load only here: headless commands and piped runs never pay for them.
      const { runInteractive } = await import('../../ui/run-interactive.js');
      let ended: { lastStep: StepId | undefined; context: SessionEndContext } | undefined;
      const end = await runInteractive({
        onEnd: (lastStep, context) => (ended = { lastStep, context }),
        effects,
        input: { rotationId: randomUUID(), emergency: flags.emergency === true, mode },
        target: db.label,
        color: inkColor(io),
        signal: ctx.signal,
        ...terminalStreams(io),
      });
      reportJournal(io, journal);
      if (end === 'cancelled' && ended && mayHaveChanged(ended.lastStep)) {
        // Left mid-rotation: what moved, and where the rows stand now, read after the screen closed.
        const counts = await effects
          .readCounts({ signal: new AbortController().signal })
          .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
        for (const line of leftSummary(ended.context, counts, new Date())) io.stderr.write(`${line}\n`);
      }
      if (end === 'cancelled') throw sessionLeftError(sameCommand(flags), ended?.lastStep, ended?.context);
      endOfSession(end, 'the runbook');
    } finally {
      await db.close().catch(() => undefined);
    }
  },
});
