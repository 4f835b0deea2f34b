// How an interactive session that was left ends: a stop before anything changed exits with the code
// of its cause and says nothing changed; a stop mid-rotation names the next command and variables.
import { describe, expect, it } from 'vitest';
import { leftSummary, mayHaveChanged, sessionLeftError, type SessionEndContext } from '../../src/cli/session-end.js';
import { exitCodeFor } from '../../src/cli/exit-codes.js';
import { CancelledError, DatabaseError, UserError } from '../../src/errors.js';

const base: SessionEndContext = {
  newKeyId: undefined,
  oldKeyId: undefined,
  configured: { primaryKeyId: 'kek-v1' },
  deployed: [],
  keyFile: undefined,
  error: undefined,
  path: undefined,
  resumePoint: undefined,
  keyProofs: [],
  movedSoFar: 0,
};
const cmd = 'kek-rotate --pglite ./db';

describe('sessionLeftError', () => {
  it('a preflight error: exit 2 for a key or registry problem, 3 for the database, saying nothing changed', () => {
    const user = sessionLeftError(cmd, 'preflight.failed', {
      ...base,
      error: { message: 'table llm_providers does not exist', hint: 'Check DATABASE_URL.', cause: 'user' },
    });
    expect(user).toBeInstanceOf(UserError);
    expect(exitCodeFor(user)).toBe(2);
    expect(user.message).toBe(
      'the runbook stopped at preflight.failed: table llm_providers does not exist. Nothing was changed: preflight only reads.',
    );
    expect(user.message).not.toContain('every row is on its old key');
    const db = sessionLeftError(cmd, 'preflight.failed', {
      ...base,
      error: { message: 'cannot connect', cause: 'database' },
    });
    expect(db).toBeInstanceOf(DatabaseError);
    expect(exitCodeFor(db)).toBe(3);
    const wrong = sessionLeftError(cmd, 'preflight.wrongKey', {
      ...base,
      keyProofs: [
        {
          keyId: 'kek-v1',
          source: 'SECRETS_ENCRYPTION_KEY',
          tried: 9,
          decrypted: 0,
          unwrappedOnly: 0,
          keyRejected: 9,
          failures: [],
        },
      ],
    });
    expect(exitCodeFor(wrong)).toBe(2);
    expect(wrong.message).toBe(
      'the runbook stopped at preflight.wrongKey: SECRETS_ENCRYPTION_KEY (kek-v1) decrypts none of the 9 rows labelled kek-v1 that were tried: this is not the key these rows were written with. Nothing was changed: preflight only reads.',
    );
  });

  it('quitting at preflight by choice: a cancel that says nothing changed', () => {
    const quit = sessionLeftError(cmd, 'preflight.ready', base);
    expect(quit).toBeInstanceOf(CancelledError);
    expect(quit.message).toContain('Nothing was changed');
  });

  it('mid-rotation: a cancel naming the next command and the variables (names only), and where the new key went', () => {
    const left = sessionLeftError(cmd, 'reencrypt.paused', {
      ...base,
      newKeyId: 'kek-v2',
      oldKeyId: 'kek-v1',
      deployed: ['both'],
      keyFile: 'kek-v2.key',
    });
    expect(left).toBeInstanceOf(CancelledError);
    expect(exitCodeFor(left)).toBe(130);
    expect(left.message).toBe(
      'the runbook was left at reencrypt.paused; every row is on its old key or the new one and decrypts',
    );
    expect((left as CancelledError).hint).toBe(
      'keep the application on SECRETS_ENCRYPTION_KEY=kek-v2 and SECRETS_ENCRYPTION_KEY_PREVIOUS=kek-v1, and run `kek-rotate --pglite ./db` again with the same variables set (values from your secrets manager, or kek-v2.key); with its environment as it is now, it asks for the kek-v2 key file and continues where the rotation stands.',
    );
    const notDeployed = sessionLeftError(cmd, 'deploy.both', { ...base, newKeyId: 'kek-v2', oldKeyId: 'kek-v1' });
    expect((notDeployed as CancelledError).hint).toMatch(
      /^kek-v2 was generated but not deployed: run `kek-rotate --pglite .\/db` again/,
    );
  });
});

describe('leftSummary', () => {
  it('what the session moved, and the rows per key read after the screen closed, with the time', () => {
    const at = new Date(Date.UTC(2026, 11, 3, 9, 30, 5));
    const ctx = { ...base, newKeyId: 'kek-v2', oldKeyId: 'kek-v1', movedSoFar: 12236 };
    expect(
      leftSummary(
        ctx,
        [
          {
            label: 'llm_providers.api_key_encrypted',
            total: 50000,
            nulls: 6002,
            invalid: 0,
            byKeyId: { 'kek-v1': 31762, 'kek-v2': 12236 },
          },
        ],
        at,
      ),
    ).toEqual([
      'Moved onto kek-v2 in this session: 12,236 rows.',
      'Rows per key now in llm_providers.api_key_encrypted (read at 09:30:05 UTC): kek-v1 31,762, kek-v2 12,236, NULL 6,002.',
    ]);
    expect(leftSummary(ctx, new Error('connection refused'), at)[1]).toBe(
      'Rows per key now: could not be read (connection refused); run `kek-rotate verify` to count them.',
    );
    expect(mayHaveChanged('preflight.ready')).toBe(false);
    expect(mayHaveChanged('reencrypt.live')).toBe(true);
  });
});
