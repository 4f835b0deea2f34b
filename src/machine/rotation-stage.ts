// Where a rotation stands, in one word and one next step: from the configured key ids, the rows per
// key id, the journal's last rotation and the key proofs. Pure. `kek-rotate status` prints it; it is
// built on the preflight analysis, so status and preflight never disagree.
import { describeWrongKey, verdictOf, type KeyProof } from '../engine/prove-keys.js';
import { analysePreflight } from './preflight-analysis.js';
import { rowsByKeyId, type ColumnInventory, type KeyConfigIds, type ResumePoint } from './contract.js';

const number = new Intl.NumberFormat('en-US');

export type RotationStage =
  'not-started' | 'new-key-deployed' | 're-encrypting' | 'verified' | 'old-key-removed' | 'blocked';

export interface StageAssessment {
  readonly stage: RotationStage;
  /** 're-encrypting': the share of keyed rows already on the new key, 0 to 100. */
  readonly percentOnNew?: number | undefined;
  readonly newKeyId?: string | undefined;
  readonly oldKeyId?: string | undefined;
  /** Why it is blocked, or what the stage means here, in one sentence. */
  readonly detail: string;
  /** What to do next: a command or a runbook step, naming variables, never values. */
  readonly next: string;
  /** Nothing needs doing (exit 0): no rotation under way and nothing blocked. */
  readonly settled: boolean;
}

/** The journal's rotation reached verification (or further) for these keys. */
function journalVerified(journal: ResumePoint | undefined, newKeyId: string): boolean {
  if (!journal || journal.newKeyId !== newKeyId) return false;
  return (
    /^(verify\.passed|remove\.|emergency\.(removeDeploy|applyingRemoval|checklist)|done\.)/.test(journal.step) ||
    journal.finished
  );
}

export function assessRotation(
  configured: KeyConfigIds,
  columns: readonly ColumnInventory[],
  journal: ResumePoint | undefined,
  proofs: readonly KeyProof[],
): StageAssessment {
  const wrong = proofs.filter((proof) => verdictOf(proof) === 'wrong-key');
  if (wrong.length > 0) {
    return {
      stage: 'blocked',
      detail: wrong.map(describeWrongKey).join('; '),
      next: `Set ${wrong.map((p) => p.source).join(' and ')} to the key the application uses for ${wrong.map((p) => p.keyId).join(' and ')}, then run \`kek-rotate status\` again.`,
      settled: false,
    };
  }
  const analysis = analysePreflight(configured, columns, journal);
  const rows = rowsByKeyId(columns);
  const { primaryKeyId: primary, previousKeyId: previous } = configured;
  if (analysis.resumeTarget === 'load-key') {
    return {
      stage: 'blocked',
      newKeyId: analysis.newKeyId,
      oldKeyId: analysis.oldKeyId,
      detail: `a rotation ${analysis.oldKeyId} → ${analysis.newKeyId} is under way (${number.format(rows[analysis.newKeyId!] ?? 0)} rows on ${analysis.newKeyId}), but this environment has only ${primary}`,
      next: `Run kek-rotate with SECRETS_ENCRYPTION_KEY=${analysis.newKeyId} and SECRETS_ENCRYPTION_KEY_PREVIOUS=${analysis.oldKeyId} (or as now: it asks for the ${analysis.newKeyId} key file).`,
      settled: false,
    };
  }
  if (analysis.stray.length > 0) {
    const stray = analysis.stray.map((s) => `${number.format(s.rows)} rows on ${s.keyId}`).join(', ');
    return {
      stage: 'blocked',
      detail: `${stray}: neither the primary ${primary} nor the previous key${previous ? ` ${previous}` : ''}; the application cannot read them`,
      next: `Configure ${analysis.stray[0]!.keyId} as SECRETS_ENCRYPTION_KEY_PREVIOUS (from your archive) and run kek-rotate: it offers the repair.`,
      settled: false,
    };
  }
  if (analysis.resumeTarget === 'deploy') {
    return {
      stage: 'not-started',
      newKeyId: analysis.newKeyId,
      oldKeyId: analysis.oldKeyId,
      detail: `${analysis.newKeyId} was generated but is not deployed yet`,
      next: `Deploy SECRETS_ENCRYPTION_KEY=${analysis.newKeyId} and SECRETS_ENCRYPTION_KEY_PREVIOUS=${primary}, or run kek-rotate: it continues at the deploy step.`,
      settled: false,
    };
  }
  if (analysis.resumeTarget === 'deploy-2b') {
    return {
      stage: 'new-key-deployed',
      newKeyId: analysis.newKeyId,
      oldKeyId: analysis.oldKeyId,
      detail: `${analysis.newKeyId} is deployed decrypt-only (staged 2a); every replica can read it`,
      next: `Swap: deploy SECRETS_ENCRYPTION_KEY=${analysis.newKeyId} and SECRETS_ENCRYPTION_KEY_PREVIOUS=${analysis.oldKeyId}, or run kek-rotate: it continues at step 2b.`,
      settled: false,
    };
  }
  if (previous !== undefined) {
    const onNew = rows[primary] ?? 0;
    const onOld = rows[previous] ?? 0;
    const base = { newKeyId: primary, oldKeyId: previous, settled: false };
    if (onOld > 0 && onNew === 0) {
      return {
        ...base,
        stage: 'new-key-deployed',
        detail: `${primary} is primary and ${previous} previous; no row has moved yet`,
        next: 'Re-encrypt: `kek-rotate reencrypt --dry-run`, then `kek-rotate reencrypt` (or run kek-rotate).',
      };
    }
    const percentOnNew = onNew + onOld === 0 ? 100 : Math.floor((onNew / (onNew + onOld)) * 1000) / 10;
    if (onOld > 0) {
      return {
        ...base,
        stage: 're-encrypting',
        percentOnNew,
        detail: `${number.format(onOld)} rows still on ${previous}`,
        next: 'Continue: `kek-rotate reencrypt` (or run kek-rotate: it continues where the rotation stands).',
      };
    }
    if (journalVerified(journal, primary)) {
      return {
        ...base,
        stage: 'verified',
        detail: `every row is on ${primary} and verification passed`,
        next: `Remove ${previous}: deploy without SECRETS_ENCRYPTION_KEY_PREVIOUS and archive ${previous} (or run kek-rotate: it continues at the removal).`,
      };
    }
    return {
      ...base,
      stage: 're-encrypting',
      percentOnNew: 100,
      detail: `no row is left on ${previous}; not verified yet`,
      next: 'Verify: `kek-rotate verify --only-primary` (or run kek-rotate: it continues at the verification).',
    };
  }
  if (journal && journal.finished && journal.newKeyId === primary) {
    return {
      stage: 'old-key-removed',
      newKeyId: primary,
      oldKeyId: journal.oldKeyId,
      detail: `the last rotation (${journal.oldKeyId ?? '?'} → ${primary}) finished`,
      next: 'Nothing to do. Archive the old key separately if you have not.',
      settled: true,
    };
  }
  return {
    stage: 'not-started',
    detail: `every keyed row is on ${primary}; no rotation is under way`,
    next: 'Nothing to do. To rotate: run kek-rotate (or `kek-rotate rehearse` first).',
    settled: true,
  };
}
