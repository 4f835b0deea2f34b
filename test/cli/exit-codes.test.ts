// Each error class maps to its one exit code; anything else is a bug (70), and main() says so,
// with the stack only under --debug.
import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/cli/exit-codes.js';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/output.js';
import { CancelledError, DatabaseError, ExternalProcessError, IncompleteError, UserError } from '../../src/errors.js';
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

  it('main() returns the code and prints error/hint on stderr, never exiting', async () => {
    const err: string[] = [];
    const io: CliIo = { stdout: { write: () => true }, stderr: { write: (s: string) => err.push(s) }, env: {}, cwd: '/nonexistent' };
    expect(await main(['reencrypt', '--nope'], io)).toBe(2);
    expect(err.join('')).toMatch(/^error: unknown option --nope for kek-rotate reencrypt\nhint: /);
  });
});
