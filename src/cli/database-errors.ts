// Driver errors (pg's and PGlite's) that escape a command are database errors, not bugs: they get
// exit code 3 and a message with the SQLSTATE, never the statement's parameters.
import { describeDriverError, isConnectionLoss } from '../db/reconnect.js';
import { DatabaseError, KekRotateError } from '../errors.js';

function isDriverError(error: unknown): error is Error & { code: string; severity?: string } {
  if (!(error instanceof Error)) return false;
  const e = error as { code?: unknown; severity?: unknown };
  // SQLSTATEs are five characters; pg and PGlite both set `severity` on server errors. Node's own
  // network errors (ECONNRESET...) also mean the database went away.
  return (
    (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string') ||
    (typeof e.code === 'string' && /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT)$/.test(e.code))
  );
}

export function asDatabaseError(error: unknown, doing: string): unknown {
  // Already one of ours: it knows its own exit code.
  if (error instanceof KekRotateError) return error;
  // A lost connection the adapter did not get to wrap (pg's "Connection terminated unexpectedly" has no code).
  if (isDriverError(error) || isConnectionLoss(error)) {
    return new DatabaseError(
      `${doing}: ${describeDriverError(error)}`,
      'The database refused or lost the statement. Nothing was half-written: every batch is one transaction. Check the server, then run the same command again.',
      { cause: error },
    );
  }
  return error;
}
