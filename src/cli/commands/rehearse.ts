// `kek-rotate rehearse` (what `npm start` runs): an embedded database seeded like the application's,
// a scenario, a simulated application running while the trainee follows the interactive runbook,
// and a debrief at the end. Exit 0 when the scenario passed, 1 when not. The briefing stays on the
// normal screen until the trainee presses Enter (the runbook's screen may clear it, scrollback
// included, once it is taller than the terminal); the scenario's clock starts then.
import { randomUUID } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { findScenario, listScenarios, scenarioNames } from '../../../runbook/scenarios/index.js';
import { createSandboxEffects } from '../../effects/sandbox-effects.js';
import { CancelledError, IncompleteError, UserError } from '../../errors.js';
import { defaultJournalPath, readJournal } from '../../journal/index.js';
import {
  applyScenario,
  createSandbox,
  debrief,
  describeAppEvent,
  DEFAULT_ROWS,
  followUpOf,
  type SessionTiming,
} from '../../sandbox/index.js';
import { safeText } from '../../text/terminal-safe.js';
import { defineCommand } from '../command.js';
import { HELP } from '../common-flags.js';
import { positiveInteger, type FlagSpec } from '../flags.js';
import {
  endOfSession,
  inkColor,
  reportJournal,
  sessionJournal,
  terminalStreams,
  ttyOf,
} from '../interactive-session.js';
import type { CliIo } from '../output.js';
import { DEFAULT_WIDTH, renderBriefing, renderDebrief, wrapText } from '../render-debrief.js';
import { assertFreshDataDir } from '../rehearsal-data-dir.js';
import { requireTty } from '../require-tty.js';

const FLAGS = [
  {
    name: 'scenario',
    type: 'string',
    valueName: 'NAME',
    description: 'Training scenario (default happy-path; see --list-scenarios)',
  },
  { name: 'list-scenarios', type: 'boolean', description: 'List the scenarios with their goals and exit' },
  { name: 'rows', type: 'string', valueName: 'N', description: `Fixture providers to seed (default ${DEFAULT_ROWS})` },
  {
    name: 'data',
    type: 'string',
    valueName: 'DIR',
    description: 'Create the embedded database in DIR, new or empty (default: a temporary one)',
  },
  {
    name: 'journal',
    type: 'string',
    valueName: 'FILE',
    description: 'Journal file (default: a new file under $XDG_STATE_HOME/kek-rotate/rehearsals/)',
  },
  HELP,
] as const satisfies readonly FlagSpec[];

function listText(): string {
  const scenarios = listScenarios();
  const width = Math.max(...scenarios.map((s) => s.name.length));
  return `${scenarios.map((s) => `${s.name.padEnd(width)}  ${s.title}\n${' '.repeat(width + 2)}Goal: ${s.goal}`).join('\n')}\n`;
}

function rehearsalJournalPath(io: CliIo, scenario: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return join(dirname(defaultJournalPath(io.env)), 'rehearsals', `${scenario}-${stamp}.jsonl`);
}

function widthOf(io: CliIo): number {
  return io.stdout.columns ?? DEFAULT_WIDTH;
}

/**
 * Prints `prompt` and waits for one key on the terminal: Enter (or space) answers true; q, Esc or
 * Ctrl-C answers false, as does the CLI's cancellation. Leaves the terminal as it found it for Ink.
 */
function pressEnter(io: CliIo, prompt: string, signal: AbortSignal): Promise<boolean> {
  const stdin = io.stdin ?? process.stdin;
  io.stdout.write(wrapText(prompt, widthOf(io)).join('\n'));
  return new Promise((resolve) => {
    const wasRaw = stdin.isRaw;
    const done = (answer: boolean) => {
      stdin.off('data', onData);
      signal.removeEventListener('abort', onAbort);
      stdin.setRawMode?.(wasRaw);
      stdin.pause();
      io.stdout.write('\n');
      resolve(answer);
    };
    const onData = (chunk: Buffer | string) => {
      const key = chunk.toString();
      if (key === '\r' || key === '\n' || key === ' ') done(true);
      else if (key === 'q' || key === 'Q' || key === '\u0003' || key === '\u001b') done(false);
    };
    const onAbort = () => done(false);
    if (signal.aborted) return done(false);
    stdin.setRawMode?.(true);
    stdin.on('data', onData);
    stdin.resume();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export const rehearseCommand = defineCommand({
  name: 'rehearse',
  summary: 'Rehearse a rotation on an embedded database with a simulated application',
  usage: 'kek-rotate rehearse [options]',
  description: [
    'No database or configuration needed. Creates an embedded PostgreSQL (PGlite) with the',
    "application's schema and fixture providers under a fresh kek-v1, starts a simulated",
    'application, opens the interactive runbook (deploys apply to the simulated replicas),',
    'then prints a debrief. Exit 0 when the scenario passed, 1 when it did not.',
    'The temporary database is removed at the end; one in --data DIR is kept for inspection,',
    'so the next rehearsal needs another (or an emptied) directory.',
  ].join('\n'),
  flags: FLAGS,
  examples: [
    'kek-rotate rehearse',
    'kek-rotate rehearse --scenario rolling-deploy',
    'kek-rotate rehearse --list-scenarios',
  ],
  async run({ flags }, ctx) {
    const { io } = ctx;
    if (flags['list-scenarios'] === true) {
      io.stdout.write(listText());
      return;
    }
    const name = flags.scenario ?? 'happy-path';
    if (!findScenario(name))
      throw new UserError(
        `there is no scenario named "${name}"`,
        `Scenarios: ${scenarioNames().join(', ')} (see --list-scenarios).`,
      );
    const rows = positiveInteger(flags.rows, '--rows', DEFAULT_ROWS);
    const data = flags.data;
    if (data !== undefined) assertFreshDataDir(resolve(io.cwd, data), data);
    requireTty(
      ttyOf(io),
      'The rehearsal',
      'Run `kek-rotate rehearse` in a terminal (it is a hands-on exercise). `kek-rotate rehearse --list-scenarios` works anywhere; the headless commands are listed by `kek-rotate --help`.',
    );

    const journalFlag = flags.journal;
    const journal = sessionJournal(
      journalFlag !== undefined ? resolve(io.cwd, journalFlag) : rehearsalJournalPath(io, name),
    );
    io.stderr.write('Preparing the rehearsal database (embedded PostgreSQL; this takes a few seconds)...\n');
    const sandbox = await createSandbox({ rows, ...(data !== undefined ? { dataDir: resolve(io.cwd, data) } : {}) });
    try {
      const state = await applyScenario(sandbox, name);
      io.stdout.write(`${renderBriefing(state.scenario, widthOf(io))}\n`);
      if (!(await pressEnter(io, 'Press Enter to begin (q leaves).', ctx.signal))) {
        throw new CancelledError('the rehearsal was left before it began; nothing was changed');
      }
      // Timed criteria count from here, not from while the briefing was read.
      state.startedAt = sandbox.now();
      const app = sandbox.startApp();
      const [{ runInteractive }, { createActivityFeed }] = await Promise.all([
        import('../../ui/run-interactive.js'),
        import('../../ui/activity-feed.js'),
      ]);
      const activity = createActivityFeed();
      app.subscribe((event) =>
        activity.push({
          text: safeText(describeAppEvent(event)),
          level: event.type === 'read-failed' || event.type === 'error' ? 'failure' : 'info',
        }),
      );
      // One interactive session; its phase start stamps go to the debrief, so both show the same times.
      const sessions: SessionTiming[] = [];
      const session = async () => {
        const rotationId = randomUUID();
        let ended: Pick<SessionTiming, 'path' | 'phaseStartedAt'> = { phaseStartedAt: {} };
        const end = await runInteractive({
          effects: createSandboxEffects({ sandbox, journal, cwd: io.cwd }),
          input: { rotationId },
          target: 'rehearsal database (embedded)',
          sandbox: true,
          activity,
          color: inkColor(io),
          signal: ctx.signal,
          onEnd: (_step, context) => {
            ended = { path: context.path, phaseStartedAt: { ...context.phaseStartedAt } };
          },
          ...terminalStreams(io),
        });
        sessions.push({ rotationId, ...ended, endedAt: sandbox.now() });
        // Quitting early still ends in a debrief (it fails the goal); only a crash is an error here.
        if (end === 'failed') endOfSession(end, 'the rehearsal');
        return end;
      };
      const end = await session();
      // A repair done, the rotation the scenario was started for comes next.
      const followUp = end === 'finished' && !ctx.signal.aborted ? followUpOf(sandbox) : undefined;
      if (followUp) {
        io.stdout.write(`\n${wrapText(followUp.text, widthOf(io)).join('\n')}\n`);
        if (await pressEnter(io, followUp.prompt, ctx.signal)) await session();
      }
      // A trainee who quits still gets the debrief: it says what was left undone. Only this
      // rehearsal's lines count (a --journal file may hold earlier ones). The entries were validated
      // when read (src/journal/entry.ts), and they have every field the debrief reads.
      const ours = new Set(sessions.map((s) => s.rotationId));
      const entries = readJournal(journal.path).entries.filter((e) => ours.has(e.rotationId));
      const report = await debrief(sandbox, entries, { sessions });
      io.stdout.write(`\n${renderDebrief(report, widthOf(io))}`);
      reportJournal(io, journal);
      if (!report.passed) {
        throw new IncompleteError(
          `scenario ${name} not passed`,
          'Read the criteria marked FAIL and the lesson above, then run `kek-rotate rehearse --scenario ' +
            name +
            '` again.',
        );
      }
    } finally {
      await sandbox.close().catch(() => undefined);
    }
  },
});
