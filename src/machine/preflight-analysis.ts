// Where does the rotation stand? Pure: from the configured key ids, the rows per key id in the
// database and the journal's last word, decide whether to block, what to offer, and which keys are
// "new" and "old". The database wins over the journal: it is what the application actually reads.
import { compareKeyIds } from '../crypto/key-id.js';
import type { ColumnInventory, KeyConfigIds, ResumePoint, ResumeTarget, StrayKey } from './contract.js';
import { rowsByKeyId } from './contract.js';

export interface PreflightAnalysis {
  stray: StrayKey[];
  resumeTarget: ResumeTarget | undefined;
  newKeyId: string | undefined;
  oldKeyId: string | undefined;
  /** A new rotation may start: no rotation is under way in the configuration. */
  canStartFresh: boolean;
}

/** Rows on a key that is neither primary nor previous: a new rotation would strand them. */
export function findStrayKeys(configured: KeyConfigIds, columns: readonly ColumnInventory[]): StrayKey[] {
  const known = new Set(
    [configured.primaryKeyId, configured.previousKeyId].filter((id): id is string => id !== undefined),
  );
  const byKey = new Map<string, StrayKey>();
  for (const column of columns) {
    for (const [keyId, rows] of Object.entries(column.byKeyId)) {
      if (known.has(keyId) || rows === 0) continue;
      const entry = byKey.get(keyId) ?? { keyId, rows: 0, columns: [] };
      byKey.set(keyId, { keyId, rows: entry.rows + rows, columns: [...entry.columns, column.label] });
    }
  }
  return [...byKey.values()].sort((a, b) => compareKeyIds(a.keyId, b.keyId));
}

/**
 * The journal's unfinished rotation old -> new, when the tool holds only the old key while rows are
 * already on the new one: the operator ran the tool again with its environment as it was (the tool
 * held the key it generated in memory). The rows on the new key are not stray: they are the rotation.
 */
function rotationMissingItsKey(
  configured: KeyConfigIds,
  rows: Record<string, number>,
  journal: ResumePoint | undefined,
): ResumePoint | undefined {
  if (!journal || journal.finished || journal.newKeyId === undefined || journal.oldKeyId === undefined)
    return undefined;
  if (configured.previousKeyId !== undefined || configured.primaryKeyId !== journal.oldKeyId) return undefined;
  return (rows[journal.newKeyId] ?? 0) > 0 ? journal : undefined;
}

export function analysePreflight(
  configured: KeyConfigIds,
  columns: readonly ColumnInventory[],
  journal: ResumePoint | undefined,
): PreflightAnalysis {
  const rows = rowsByKeyId(columns);
  const missing = rotationMissingItsKey(configured, rows, journal);
  if (missing) {
    // Never a rollback onto the key being retired (or leaked): the only way on is the new key.
    const stray = findStrayKeys({ ...configured, previousKeyId: missing.newKeyId }, columns);
    return {
      stray,
      canStartFresh: false,
      resumeTarget: 'load-key',
      newKeyId: missing.newKeyId,
      oldKeyId: missing.oldKeyId,
    };
  }
  const stray = findStrayKeys(configured, columns);
  const { primaryKeyId: primary, previousKeyId: previous } = configured;
  const base = { stray, canStartFresh: previous === undefined };
  if (previous !== undefined) {
    const onPrevious = rows[previous] ?? 0;
    // Staged 2a: the newer key sits in PREVIOUS (decrypt only) and nothing is written with it yet.
    if (compareKeyIds(previous, primary) > 0 && onPrevious === 0) {
      return { ...base, resumeTarget: 'deploy-2b', newKeyId: previous, oldKeyId: primary };
    }
    return { ...base, resumeTarget: onPrevious > 0 ? 'reencrypt' : 'verify', newKeyId: primary, oldKeyId: previous };
  }
  // Only the journal knows a key was generated and not deployed yet (it is in the secrets manager).
  const generatedNotDeployed =
    journal !== undefined &&
    !journal.finished &&
    journal.newKeyId !== undefined &&
    journal.newKeyId !== primary &&
    (rows[journal.newKeyId] ?? 0) === 0 &&
    compareKeyIds(journal.newKeyId, primary) > 0;
  if (generatedNotDeployed) {
    return { ...base, resumeTarget: 'deploy', newKeyId: journal.newKeyId, oldKeyId: primary };
  }
  return { ...base, resumeTarget: undefined, newKeyId: undefined, oldKeyId: undefined };
}
