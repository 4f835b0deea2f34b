// The small error hierarchy. Every failure that reaches the top is one of these; the CLI maps
// each kind to one exit code (src/cli/exit-codes.ts) and nothing else calls process.exit.

/** Something the operator can fix: a flag, a key, a file, a database setting. `hint` says what to try. */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

/** The database could not be reached, or a statement failed for a reason outside our control. */
export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
  constructor(message: string, readonly hint?: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A child process (the application's own re-encryption tool) failed. `tail` is its last lines of output. */
export class ExternalProcessError extends Error {
  override readonly name = 'ExternalProcessError';
  constructor(message: string, readonly tail: string[] = [], readonly exitCode?: number) {
    super(message);
  }
}

/** The operator stopped the work (Ctrl-C, SIGTERM, an abort in the UI). Not a failure. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  /** `hint`: the exact next command, when the caller knows it (variable names, never values). */
  constructor(message = 'Cancelled by the operator', readonly hint?: string) {
    super(message);
  }
}

/** Work finished, but the result is not clean: rows failed to rotate, or verification found problems. */
export class IncompleteError extends Error {
  override readonly name = 'IncompleteError';
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}
