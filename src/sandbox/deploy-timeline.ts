// When did every replica first run with a configuration that satisfies a condition (e.g. "has the
// old key again", "no longer has the leaked key")? Replays the deploy history replica by replica.
import type { Sandbox } from './sandbox.js';

interface DeployStep {
  readonly at: number;
  /** undefined: the deploy reached every replica at once (no simulated application running). */
  readonly replica: string | undefined;
  readonly keyIds: readonly string[];
}

// With the application running, its per-replica history (which starts with each replica's first
// configuration); without it, the sandbox's own log of deploys, each reaching everything at once.
function history(sandbox: Sandbox): DeployStep[] {
  if (sandbox.app) return sandbox.app.deployHistory();
  return sandbox.deployLog().map((d) => ({ ...d, replica: undefined }));
}

/** The first time every replica's keys satisfied `holds` after a deploy, or undefined if never. */
export function firstTimeAllReplicas(
  sandbox: Sandbox,
  holds: (keyIds: readonly string[]) => boolean,
): number | undefined {
  const steps = history(sandbox);
  const current = new Map<string, readonly string[]>();
  for (const step of steps) {
    if (step.replica === undefined) {
      if (holds(step.keyIds)) return step.at;
      continue;
    }
    current.set(step.replica, step.keyIds);
    if ([...current.values()].every(holds) && sandbox.app && current.size === sandbox.app.replicas().length) {
      return step.at;
    }
  }
  return undefined;
}

/** True if any deploy ever gave a replica a configuration satisfying `holds`. */
export function everDeployed(sandbox: Sandbox, holds: (keyIds: readonly string[]) => boolean): boolean {
  return history(sandbox).some((step) => holds(step.keyIds));
}
