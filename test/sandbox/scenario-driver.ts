// Drives a sandbox the way the runbook would, but directly: deploys through the sandbox and
// re-encryption through the real engine. Scenario tests build pass and fail outcomes from these.
import { makeKeyRing, type KeyRing } from '../../src/crypto/key-ring.js';
import type { RotationMode } from '../../src/crypto/envelope.js';
import { DEFAULT_COLUMNS } from '../../src/db/column.js';
import { resolveColumns } from '../../src/db/registry.js';
import type { RunSummary } from '../../src/engine/events.js';
import { runReencryption } from '../../src/engine/run-reencryption.js';
import type { Kek } from '../../src/crypto/key.js';
import type { Sandbox } from '../../src/sandbox/sandbox.js';

export async function reencrypt(
  sandbox: Sandbox,
  ring: KeyRing,
  options: { mode?: RotationMode; kind?: 'live' | 'dry-run' } = {},
): Promise<RunSummary> {
  const columns = await resolveColumns(sandbox.db, DEFAULT_COLUMNS);
  return runReencryption({
    db: sandbox.db,
    ring,
    columns,
    kind: options.kind ?? 'live',
    mode: options.mode ?? 'reencrypt',
    batchSize: 7,
    onEvent: () => undefined,
    revisitDelaysMs: [20, 40, 80],
  });
}

/** The standard rotation: deploy both keys, re-encrypt, deploy the new key alone. */
export async function standardRotation(sandbox: Sandbox, oldKey: Kek, newKey: Kek): Promise<RunSummary> {
  await sandbox.applyDeploy({ primary: newKey, previous: oldKey });
  const summary = await reencrypt(sandbox, makeKeyRing(newKey, oldKey));
  await sandbox.applyDeploy({ primary: newKey });
  return summary;
}

/** Journal entries as the runbook would write them: phase, time, and the failures by id. */
export function journalFrom(summary: RunSummary, phase = 're-encrypt'): Record<string, unknown>[] {
  return [
    {
      time: new Date().toISOString(),
      phase,
      outcome: summary.failures.length > 0 ? 'failures' : 'ok',
      failures: summary.failures.map((f) => ({ id: f.id, problem: f.problem })),
    },
  ];
}
