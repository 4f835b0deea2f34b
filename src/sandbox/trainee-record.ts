// What the trainee actually did in a rehearsal, as the debrief judges it: the deploys they confirmed
// (the sandbox's log: a scenario's own setup never goes through it) and the runbook steps journaled
// (recorded by the sandbox effects; a journal stands in when the runbook did not drive the sandbox).
import type { JournalEntryLike } from './phase-timings.js';
import type { Sandbox } from './sandbox.js';

export interface TraineeStep {
  readonly rotationId: string | undefined;
  readonly path: string | undefined;
  readonly phase: string;
  readonly step: string;
  readonly outcome: string | undefined;
}

export interface TraineeRecord {
  /** Every deploy the trainee confirmed, in order (key ids, primary first). */
  readonly deploys: readonly { readonly at: number; readonly keyIds: readonly string[] }[];
  readonly steps: readonly TraineeStep[];
  /** A live re-encryption pass started (standard or emergency). */
  readonly ranLivePass: boolean;
  /** The trainee changed something: a deploy or a live pass. Quitting at once changes nothing. */
  readonly acted: boolean;
  readonly tookEmergencyPath: boolean;
}

const LIVE_STEPS: ReadonlySet<string> = new Set(['reencrypt.live', 'emergency.reencrypting']);

function journalSteps(journal: readonly JournalEntryLike[]): TraineeStep[] {
  return journal
    .filter((e) => typeof e.phase === 'string' && typeof e.step === 'string')
    .map((e) => ({
      rotationId: typeof e.rotationId === 'string' ? e.rotationId : undefined,
      path: typeof e.path === 'string' ? e.path : undefined,
      phase: String(e.phase),
      step: String(e.step),
      outcome: typeof e.outcome === 'string' ? e.outcome : undefined,
    }));
}

export function traineeRecord(sandbox: Sandbox, journal: readonly JournalEntryLike[] | undefined): TraineeRecord {
  const recorded = sandbox.steps();
  const steps: TraineeStep[] =
    recorded.length > 0
      ? recorded.map((s) => ({
          rotationId: s.rotationId,
          path: s.path,
          phase: s.phase,
          step: s.step,
          outcome: s.outcome,
        }))
      : journalSteps(journal ?? []);
  const deploys = sandbox.deployLog();
  const ranLivePass = steps.some((s) => LIVE_STEPS.has(s.step));
  return {
    deploys,
    steps,
    ranLivePass,
    acted: deploys.length > 0 || ranLivePass,
    tookEmergencyPath: steps.some((s) => s.phase === 'emergency' || s.path === 'emergency'),
  };
}
