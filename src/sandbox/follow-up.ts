// What a rehearsal offers once a session ends, before the debrief: in a repair-then-rotate scenario
// (stray-old-key), once the repair is done, the rotation the scenario was started for.
import type { Sandbox } from './sandbox.js';

export interface FollowUp {
  /** Said on the normal screen after the runbook's: why there is more to do. */
  readonly text: string;
  /** The question: Enter starts the next session, q goes to the debrief. */
  readonly prompt: string;
}

/** The rotation after a finished repair, or undefined when there is nothing more to offer. */
export function followUpOf(sandbox: Sandbox): FollowUp | undefined {
  const state = sandbox.scenario;
  const stray = state?.strayKeyId;
  if (state?.scenario.runbookPath !== 'repair-then-rotate' || stray === undefined) return undefined;
  const retiring = sandbox.initialKey.id;
  const { deployed } = sandbox;
  // The repair put the stray key back as previous, then removed it again; no new key is deployed yet.
  const repaired = sandbox.deployLog().some((d) => d.keyIds[0] === retiring && d.keyIds.includes(stray));
  if (!repaired || deployed.primary.id !== retiring || deployed.previous !== undefined) return undefined;
  return {
    text:
      `The repair is done: the rows that were on ${stray} are on ${retiring}, and ${stray} is out of the deploy again. ` +
      `That was the first half. The scenario is the rotation of ${retiring} to a new key, which preflight refused until now: ` +
      'the runbook opens again for it.',
    prompt: 'Press Enter to start the rotation (q skips it and shows the debrief).',
  };
}
