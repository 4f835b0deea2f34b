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
  const known = new Set([configured.primaryKeyId, configured.previousKeyId].filter((id): id is string => id !== undefined));
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

export function analysePreflight(
  configured: KeyConfigIds,
  columns: readonly ColumnInventory[],
  journal: ResumePoint | undefined,
): PreflightAnalysis {
  const stray = findStrayKeys(configured, columns);
  const rows = rowsByKeyId(columns);
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
