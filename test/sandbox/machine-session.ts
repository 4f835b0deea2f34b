// A rehearsal driven through the real runbook machine, as `kek-rotate rehearse` runs it: the sandbox
// effects (deploys reach the simulated replicas, every step recorded), a journal file, a clock the
// test moves, and one machine per interactive session. The paths below press what a trainee presses.
import { join } from 'node:path';
import { createSandboxEffects } from '../../src/effects/sandbox-effects.js';
import { openJournalWriter, readJournal } from '../../src/journal/index.js';
import type { DeployPlan } from '../../src/machine/contract.js';
import {
  applyScenario,
  createSandbox,
  debrief,
  type Debrief,
  type JournalEntryLike,
  type Sandbox,
  type SessionTiming,
} from '../../src/sandbox/index.js';
import { operate, tempDir, type Operator } from '../effects/effects-harness.js';
import type { SchemaPerTest } from '../helpers/test-db.js';

export interface Rehearsal {
  sandbox: Sandbox;
  /** Moves the rehearsal's clock (the machine's phase stamps and the scenario's timer read it). */
  tick(ms: number): void;
  /** A new interactive session (a fresh rotation id), as the rehearsal opens one. */
  session(): Operator;
  /** Ends a session as the screen going away does: its phase stamps go to the debrief. */
  end(op: Operator): void;
  /** The debrief, with the sessions' phase stamps (as the rehearsal passes them) unless told not to. */
  judge(options?: { stamps?: boolean }): Promise<Debrief>;
  done(): Promise<void>;
}

let serial = 0;

export async function rehearse(
  backend: SchemaPerTest,
  scenario: string,
  options: { rows?: number } = {},
): Promise<Rehearsal> {
  const fresh = await backend.fresh();
  let clock = Date.parse('2025-06-01T09:00:00Z');
  const sandbox = await createSandbox({ db: fresh.db, rows: options.rows ?? 24, seed: 7, now: () => clock });
  await applyScenario(sandbox, scenario);
  // Rolling deploys keep their order and their half-way moment, a few milliseconds apart.
  if (sandbox.deployStyle.rolling) sandbox.deployStyle = { rolling: true, stepMs: 15 };
  // No background traffic: what the replicas do is exactly what the deploys and the test cause.
  sandbox.startApp({ replicas: 3, ratePerSecond: 0 });
  const dir = tempDir();
  const journalPath = join(dir, 'journal.jsonl');
  const journal = openJournalWriter(journalPath);
  const sessions: SessionTiming[] = [];
  return {
    sandbox,
    tick: (ms) => {
      clock += ms;
    },
    session: () =>
      operate(createSandboxEffects({ sandbox, journal, batchSize: 7, cwd: dir }), {
        rotationId: `rehearsal-${++serial}`,
      }),
    end(op) {
      const ctx = op.actor.getSnapshot().context;
      op.actor.stop();
      sessions.push({
        rotationId: ctx.rotationId,
        path: ctx.path,
        phaseStartedAt: { ...ctx.phaseStartedAt },
        endedAt: clock,
      });
    },
    judge: ({ stamps = true } = {}) =>
      debrief(sandbox, readJournal(journalPath).entries as unknown as JournalEntryLike[], stamps ? { sessions } : {}),
    done: async () => {
      await sandbox.close();
      await fresh.drop();
    },
  };
}

/** Each key press a minute after the last, so phase times and the scenario's timer have something to show. */
const MINUTE = 60_000;

async function press(
  r: Rehearsal,
  op: Operator,
  at: Parameters<Operator['at']>[0],
  ...events: Parameters<Operator['send']>
): Promise<void> {
  await op.at(at);
  r.tick(MINUTE);
  op.send(...events);
}

/** Phases 1 to 5 from preflight.ready, with the deploy plan chosen at phase 2; ends on the summary. */
export async function standardRotation(r: Rehearsal, op: Operator, plan: DeployPlan): Promise<void> {
  await press(r, op, 'preflight.ready', { type: 'CHOOSE_PATH', path: 'rotate' });
  await press(r, op, 'generate.show', { type: 'REVEAL_KEY' }, { type: 'CONFIRM' }, { type: 'CHOOSE_DEPLOY', plan });
  if (plan === 'staged') {
    await press(r, op, 'deploy.stageA', { type: 'CONFIRM' });
    await press(r, op, 'deploy.stageB', { type: 'CONFIRM' });
  } else {
    await press(r, op, 'deploy.both', { type: 'CONFIRM' });
  }
  await fromDryRunToSummary(r, op);
}

/** Phase 3 from the dry run's review to the summary, through verification and removal. */
export async function fromDryRunToSummary(r: Rehearsal, op: Operator): Promise<void> {
  await press(r, op, 'reencrypt.dryRunReview', { type: 'CONFIRM' });
  await press(r, op, 'reencrypt.liveReview', { type: 'CONFIRM' });
  await press(r, op, 'verify.passed', { type: 'CONFIRM' });
  await press(r, op, 'remove.confirmDeploy', { type: 'CONFIRM' });
  await op.at('done.summary');
}

/** preflight.blocked: b (re-add the stranded or removed key as previous), then through to the summary. */
export async function rollback(r: Rehearsal, op: Operator): Promise<void> {
  await press(r, op, 'preflight.blocked', { type: 'START_ROLLBACK' });
  await press(r, op, 'rollback.readdOld', { type: 'CONFIRM' });
  await fromDryRunToSummary(r, op);
}

/** e at preflight, then the emergency path to its checklist and the summary. */
export async function emergency(r: Rehearsal, op: Operator): Promise<void> {
  await press(r, op, 'preflight.ready', { type: 'CHOOSE_PATH', path: 'emergency' });
  await press(r, op, 'emergency.show', { type: 'REVEAL_KEY' }, { type: 'CONFIRM' });
  await press(r, op, 'emergency.deployBoth', { type: 'CONFIRM' });
  await press(r, op, 'emergency.removeDeploy', { type: 'CONFIRM' });
  await press(r, op, 'emergency.checklist', { type: 'CONFIRM' });
  await op.at('done.summary');
}

/** q, wherever the session is. */
export function quit(r: Rehearsal, op: Operator): void {
  r.tick(MINUTE);
  op.send({ type: 'QUIT' });
  r.end(op);
}
