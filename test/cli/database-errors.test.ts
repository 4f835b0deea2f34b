// Errors that escape a command and mean "the database went away" are database errors (exit 3),
// even the ones pg raises without a SQLSTATE; the reconnect budget's variable is checked like a flag.
import { describe, expect, it } from 'vitest';
import { asDatabaseError } from '../../src/cli/database-errors.js';
import { exitCodeFor } from '../../src/cli/exit-codes.js';
import { reconnectBudgetFromEnv } from '../../src/db/reconnect.js';
import { DatabaseError, UserError } from '../../src/errors.js';

describe('lost connections at the top of a command', () => {
  it('pg\'s "Connection terminated unexpectedly" (no code) is a database error, exit 3, not a bug', () => {
    const mapped = asDatabaseError(new Error('Connection terminated unexpectedly'), 're-encryption failed');
    expect(mapped).toBeInstanceOf(DatabaseError);
    expect((mapped as Error).message).toBe('re-encryption failed: Connection terminated unexpectedly');
    expect(exitCodeFor(mapped)).toBe(3);
    const admin = asDatabaseError(
      Object.assign(new Error('terminating connection due to administrator command'), {
        code: '57P01',
        severity: 'FATAL',
      }),
      'verify failed',
    );
    expect((admin as Error).message).toBe('verify failed: terminating connection due to administrator command (57P01)');
    // A bug stays a bug.
    expect(exitCodeFor(asDatabaseError(new TypeError('x is undefined'), 'verify failed'))).toBe(70);
  });

  it('KEK_ROTATE_RECONNECT_SECONDS: seconds from 0 to 3600, anything else a usage error', () => {
    expect(reconnectBudgetFromEnv({})).toBeUndefined();
    expect(reconnectBudgetFromEnv({ KEK_ROTATE_RECONNECT_SECONDS: '' })).toBeUndefined();
    expect(reconnectBudgetFromEnv({ KEK_ROTATE_RECONNECT_SECONDS: '90' })).toBe(90_000);
    expect(reconnectBudgetFromEnv({ KEK_ROTATE_RECONNECT_SECONDS: '0.5' })).toBe(500);
    expect(reconnectBudgetFromEnv({ KEK_ROTATE_RECONNECT_SECONDS: '0' })).toBe(0);
    for (const bad of ['-1', 'soon', '3601', 'Infinity']) {
      expect(() => reconnectBudgetFromEnv({ KEK_ROTATE_RECONNECT_SECONDS: bad }), bad).toThrow(UserError);
    }
  });
});
