// Each error class maps to its one exit code; anything else is a bug (70), and main() says so,
// with the stack only under --debug.
import { describe, expect, it } from 'vitest';
import { EXIT_CODES, exitCodeFor } from '../../src/cli/exit-codes.js';
import { cliInProcess } from './cli-harness.js';
import {
  CancelledError,
  DatabaseError,
  ExternalProcessError,
  IncompleteError,
  KekRotateError,
  UserError,
} from '../../src/errors.js';
import { ConnectionLostError } from '../../src/db/reconnect.js';
import { RunLockedError } from '../../src/engine/run-lock.js';
import { KeyFormatError } from '../../src/crypto/key.js';

describe('exit codes', () => {
  it('maps each error class once', () => {
    expect(exitCodeFor(new IncompleteError('x'))).toBe(1);
    expect(exitCodeFor(new UserError('x'))).toBe(2);
    expect(exitCodeFor(new KeyFormatError('SECRETS_ENCRYPTION_KEY', 'empty', 'is empty'))).toBe(2);
    expect(exitCodeFor(new DatabaseError('x'))).toBe(3);
    expect(exitCodeFor(new ExternalProcessError('x'))).toBe(4);
    expect(exitCodeFor(new TypeError('x'))).toBe(70);
    expect(exitCodeFor(new CancelledError())).toBe(130);
  });

  it('one error tree: every class is a KekRotateError whose kind is its row of the table; subclasses inherit it', () => {
    const errors = [
      new IncompleteError('x'),
      new UserError('x'),
      new DatabaseError('x'),
      new ExternalProcessError('x'),
      new CancelledError(),
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(KekRotateError);
      expect(EXIT_CODES[error.kind].code).toBe(exitCodeFor(error));
    }
    expect(new RunLockedError('t.c', undefined).kind).toBe('usage');
    expect(new ConnectionLostError(false, new Error('gone'), 'db').kind).toBe('database');
    expect(new CancelledError('left', 'run it again').hint).toBe('run it again');
  });

  it('main() returns the code and prints error/hint on stderr, never exiting', async () => {
    const r = await cliInProcess(['reencrypt', '--nope']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown option --nope for kek-rotate reencrypt\nhint: /);
  });
});
