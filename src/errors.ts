// The one error tree. Every failure that reaches the top is a KekRotateError, which carries the row
// of the exit-code table it belongs to (src/cli/exit-codes.ts maps the kind to a code, once), the
// message, and optionally what to try next. Anything else reaching the top is a bug. Nothing but
// the CLI's single exit point turns an error into a process exit.

/** The rows of the exit-code table an error can belong to ('ok' is no error, 'internal' is a bug). */
export type ErrorKind = 'incomplete' | 'usage' | 'database' | 'external' | 'cancelled';

export abstract class KekRotateError extends Error {
  /** Which row of the exit-code table this error is. */
  abstract readonly kind: ErrorKind;

  constructor(
    message: string,
    /** What to try next, one sentence (shown as `hint:`). */
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Something the operator can fix: a flag, a key, a file, a database setting. `hint` says what to try. */
export class UserError extends KekRotateError {
  override readonly name: string = 'UserError';
  readonly kind = 'usage' as const;
}

/** The database could not be reached, or a statement failed for a reason outside our control. */
export class DatabaseError extends KekRotateError {
  override readonly name: string = 'DatabaseError';
  readonly kind = 'database' as const;
}

/** A child process (the application's own re-encryption tool) failed. `tail` is its last lines of output. */
export class ExternalProcessError extends KekRotateError {
  override readonly name: string = 'ExternalProcessError';
  readonly kind = 'external' as const;
  constructor(
    message: string,
    readonly tail: string[] = [],
    readonly exitCode?: number,
  ) {
    super(message);
  }
}

/** The operator stopped the work (Ctrl-C, SIGTERM, an abort in the UI). Not a failure. `hint`: the
 * exact next command, when the caller knows it (variable names, never values). */
export class CancelledError extends KekRotateError {
  override readonly name: string = 'CancelledError';
  readonly kind = 'cancelled' as const;
  constructor(message = 'Cancelled by the operator', hint?: string) {
    super(message, hint);
  }
}

/** Work finished, but the result is not clean: rows failed to rotate, or verification found problems. */
export class IncompleteError extends KekRotateError {
  override readonly name: string = 'IncompleteError';
  readonly kind = 'incomplete' as const;
}
