// Where a rotation stands, from keys, counts, journal and key proofs: every stage and its next step.
import { describe, expect, it } from 'vitest';
import type { KeyProof } from '../../src/engine/prove-keys.js';
import type { ColumnInventory, ResumePoint } from '../../src/machine/contract.js';
import { assessRotation } from '../../src/machine/rotation-stage.js';

const col = (byKeyId: Record<string, number>, invalid = 0): ColumnInventory[] => [
  { label: 'llm_providers.api_key_encrypted', total: 100, nulls: 0, invalid, byKeyId },
];
const journal = (step: string, extra: Partial<ResumePoint> = {}): ResumePoint => ({
  rotationId: 'r',
  path: 'rotate',
  phase: step.split('.')[0]!,
  step,
  outcome: 'ok',
  time: '2026-12-03T09:00:00Z',
  newKeyId: 'kek-v2',
  oldKeyId: 'kek-v1',
  finished: false,
  ...extra,
});
const proof = (keyId: string, decrypted: number, tried = 10): KeyProof => ({
  keyId,
  source: 'SECRETS_ENCRYPTION_KEY',
  tried,
  decrypted,
  unwrappedOnly: 0,
  keyRejected: tried - decrypted,
  failures: [],
});

describe('assessRotation', () => {
  it('not started: every row on the primary, nothing in the journal: settled', () => {
    const a = assessRotation({ primaryKeyId: 'kek-v1' }, col({ 'kek-v1': 100 }), undefined, [proof('kek-v1', 10)]);
    expect(a).toMatchObject({ stage: 'not-started', settled: true });
  });

  it('a key generated and not deployed: not started, but not settled', () => {
    const a = assessRotation({ primaryKeyId: 'kek-v1' }, col({ 'kek-v1': 100 }), journal('generate.show'), []);
    expect(a).toMatchObject({ stage: 'not-started', settled: false, newKeyId: 'kek-v2' });
    expect(a.next).toContain('SECRETS_ENCRYPTION_KEY=kek-v2 and SECRETS_ENCRYPTION_KEY_PREVIOUS=kek-v1');
  });

  it('new key deployed (both, or staged 2a), re-encrypting with the share on the new key, re-encrypted but not verified, verified', () => {
    expect(
      assessRotation({ primaryKeyId: 'kek-v2', previousKeyId: 'kek-v1' }, col({ 'kek-v1': 100 }), undefined, []).stage,
    ).toBe('new-key-deployed');
    expect(
      assessRotation({ primaryKeyId: 'kek-v1', previousKeyId: 'kek-v2' }, col({ 'kek-v1': 100 }), undefined, []).stage,
    ).toBe('new-key-deployed');
    expect(
      assessRotation(
        { primaryKeyId: 'kek-v2', previousKeyId: 'kek-v1' },
        col({ 'kek-v1': 72, 'kek-v2': 28 }),
        undefined,
        [],
      ),
    ).toMatchObject({ stage: 're-encrypting', percentOnNew: 28, settled: false });
    const done = assessRotation(
      { primaryKeyId: 'kek-v2', previousKeyId: 'kek-v1' },
      col({ 'kek-v2': 100 }),
      journal('reencrypt.liveReview'),
      [],
    );
    expect(done).toMatchObject({ stage: 're-encrypting', percentOnNew: 100 });
    expect(done.next).toContain('kek-rotate verify --only-primary');
    expect(
      assessRotation(
        { primaryKeyId: 'kek-v2', previousKeyId: 'kek-v1' },
        col({ 'kek-v2': 100 }),
        journal('verify.passed'),
        [],
      ).stage,
    ).toBe('verified');
  });

  it('old key removed: the journal finished the rotation onto the primary: settled', () => {
    const a = assessRotation(
      { primaryKeyId: 'kek-v2' },
      col({ 'kek-v2': 100 }),
      journal('done.summary', { finished: true }),
      [],
    );
    expect(a).toMatchObject({ stage: 'old-key-removed', settled: true });
  });

  it("blocked: a wrong key, rows on an unconfigured key, or the tool lacking the journal rotation's new key", () => {
    const wrong = assessRotation({ primaryKeyId: 'kek-v1' }, col({ 'kek-v1': 100 }), undefined, [proof('kek-v1', 0)]);
    expect(wrong).toMatchObject({ stage: 'blocked', settled: false });
    expect(wrong.detail).toContain('this is not the key these rows were written with');
    const stray = assessRotation({ primaryKeyId: 'kek-v2' }, col({ 'kek-v2': 90, 'kek-v0': 10 }), undefined, []);
    expect(stray).toMatchObject({ stage: 'blocked' });
    expect(stray.detail).toContain('10 rows on kek-v0');
    const lacking = assessRotation(
      { primaryKeyId: 'kek-v1' },
      col({ 'kek-v1': 60, 'kek-v2': 40 }),
      journal('reencrypt.live', { outcome: 'cancelled' }),
      [],
    );
    expect(lacking).toMatchObject({ stage: 'blocked', newKeyId: 'kek-v2', oldKeyId: 'kek-v1' });
    expect(lacking.next).not.toMatch(/kek-v2 → kek-v1/);
  });
});
