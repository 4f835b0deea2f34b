// Maps a step (on any path: rotation, rollback, emergency) onto the numbered phases the phase bar
// shows, so an operator always sees "phase N of 5" whatever path they are on.
import { ROTATION_PHASES, type StepId } from '../../machine/contract.js';
import type { PhaseBarProps, PhaseInfo } from '../components/PhaseBar.js';

export type RotationPhase = (typeof ROTATION_PHASES)[number];

export const PHASE_TITLES: Record<RotationPhase, string> = {
  preflight: 'Preflight',
  generate: 'Generate the new key',
  deploy: 'Deploy with both keys',
  reencrypt: 'Re-encrypt',
  verify: 'Verify',
  remove: 'Remove the old key',
};

const EMERGENCY_PHASE: Record<string, RotationPhase | 'done'> = {
  listingCredentials: 'preflight',
  generating: 'generate',
  show: 'generate',
  writingFile: 'generate',
  deployBoth: 'deploy',
  applying: 'deploy',
  reencrypting: 'reencrypt',
  counting: 'verify',
  deepCheck: 'verify',
  refused: 'verify',
  removeDeploy: 'remove',
  applyingRemoval: 'remove',
  checklist: 'done',
};

/** The numbered phase of a step, 'done' at the end, or undefined when it depends on where we came from. */
export function rotationPhaseOf(step: StepId): RotationPhase | 'done' | undefined {
  const [group = '', name = ''] = step.split('.');
  if ((ROTATION_PHASES as readonly string[]).includes(group)) return group as RotationPhase;
  if (group === 'done' || step === 'quit') return 'done';
  if (group === 'stopped') return 'reencrypt';
  if (group === 'rollback') return 'deploy';
  if (group === 'emergency') return EMERGENCY_PHASE[name];
  return undefined;
}

export const PHASES: readonly PhaseInfo[] = ROTATION_PHASES.map((id) => ({ id, title: PHASE_TITLES[id] }));

export function phaseBarFor(phase: RotationPhase | 'done'): PhaseBarProps {
  if (phase === 'done') return { phases: PHASES, currentId: 'done', doneIds: [...ROTATION_PHASES] };
  const index = ROTATION_PHASES.indexOf(phase);
  return { phases: PHASES, currentId: phase, doneIds: ROTATION_PHASES.slice(0, index) };
}
