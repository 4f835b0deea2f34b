// What a lost connection is, and how long we try to get it back. A server restart, a failover or
// pg_terminate_backend drops our connections; the pg adapter then reconnects with backoff for a
// bounded time (DEFAULT_RECONNECT_BUDGET_MS, or KEK_ROTATE_RECONNECT_SECONDS) and goes on. Only
// what cannot have changed anything is repeated behind the caller's back; a transaction cut half
// way is reported to its caller (ConnectionLostError), who knows whether repeating it is safe.
import { DatabaseError, UserError } from '../errors.js';

/** How long the tool keeps trying to reconnect after losing the database, unless told otherwise. */
export const DEFAULT_RECONNECT_BUDGET_MS = 30_000;
/** The environment variable that sets the budget, in seconds (0: give up at once). */
export const RECONNECT_ENV = 'KEK_ROTATE_RECONNECT_SECONDS';
const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 2_000;

// admin_shutdown, crash_shutdown, cannot_connect_now; class 08 is connection_exception.
const LOST_SQLSTATES = new Set(['57P01', '57P02', '57P03']);
const LOST_NODE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ECONNABORTED',
]);
// pg's own messages when the socket goes away or a connect times out (they carry no code).
const LOST_MESSAGES = [
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'connection error and is not queryable',
];

/** A transient loss of the connection (the server went away or refused us for now), not a statement's fault. */
export function isConnectionLoss(error: unknown): boolean {
  if (error instanceof ConnectionLostError) return true;
  if (error instanceof DatabaseUnavailableError) return false;
  const e = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof e.code === 'string') {
    if (LOST_SQLSTATES.has(e.code) || /^08[0-9A-Z]{3}$/.test(e.code) || LOST_NODE_CODES.has(e.code)) return true;
  }
  return typeof e.message === 'string' && LOST_MESSAGES.some((m) => (e.message as string).includes(m));
}

/** `message (CODE)`: what the driver said, with the SQLSTATE or errno when there is one. */
export function describeDriverError(error: unknown): string {
  const e = (error ?? {}) as { code?: unknown; message?: unknown };
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(error);
  return typeof e.code === 'string' ? `${message} (${e.code})` : message;
}

const CONTINUE_HINT =
  'Nothing was half-written: every batch is one transaction, so every row is on its old key or the new one. ' +
  'When the database accepts connections again, run the same command again: it continues where this one stopped.';

/**
 * The connection dropped in the middle of a transaction or of a statement that may write. The
 * transaction was rolled back by the server, unless `commitUnknown`: the COMMIT (or an autocommitted
 * statement) was sent and no answer came, so it may or may not have taken effect.
 */
export class ConnectionLostError extends DatabaseError {
  /** The SQLSTATE or errno of the underlying failure, when it had one. */
  readonly code: string | undefined;
  constructor(
    readonly commitUnknown: boolean,
    cause: unknown,
    label: string,
  ) {
    super(
      `lost the connection to ${label} ${commitUnknown ? 'before the outcome of a write was known' : 'during a transaction, which the server rolled back'}: ${describeDriverError(cause)}`,
      CONTINUE_HINT,
      { cause },
    );
    const code = (cause as { code?: unknown } | undefined)?.code;
    this.code = typeof code === 'string' ? code : undefined;
  }
}

/** The connection was lost and could not be re-established within the budget. */
export class DatabaseUnavailableError extends DatabaseError {
  constructor(label: string, budgetMs: number, cause: unknown) {
    super(
      `lost the connection to ${label} and could not reconnect within ${formatSeconds(budgetMs)}: ${describeDriverError(cause)}`,
      CONTINUE_HINT,
      { cause },
    );
  }
}

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s < 10 ? s.toFixed(1) : Math.round(s)} s`;
}

export type ConnectionEvent =
  | { readonly type: 'lost'; readonly reason: string; readonly budgetMs: number }
  | { readonly type: 'restored'; readonly afterMs: number };

export type ConnectionListener = (event: ConnectionEvent) => void;

/**
 * The reconnect state one database shares with its forks: one outage (reported when a connection is
 * lost, over at the first statement that succeeds), one budget clock (it starts at the first failed
 * attempt to go on, so an idle connection dropped long ago does not use it up), one set of listeners.
 */
export class ReconnectState {
  private readonly listeners = new Set<ConnectionListener>();
  private lostSince: number | undefined;
  private failingSince: number | undefined;

  constructor(
    readonly label: string,
    readonly budgetMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  listen(listener: ConnectionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: ConnectionEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A listener's failure must not turn into a database error.
      }
    }
  }

  /** A statement succeeded: any outage is over. */
  ok(): void {
    this.failingSince = undefined;
    if (this.lostSince === undefined) return;
    const afterMs = this.now() - this.lostSince;
    this.lostSince = undefined;
    this.emit({ type: 'restored', afterMs });
  }

  /** A connection was lost: reported once per outage. */
  lost(error: unknown): void {
    if (this.lostSince !== undefined) return;
    this.lostSince = this.now();
    this.emit({ type: 'lost', reason: describeDriverError(error), budgetMs: this.budgetMs });
  }

  /**
   * Called after the `attempt`-th failure in a row of one operation: waits the backoff and returns,
   * or throws DatabaseUnavailableError once the failures have lasted the budget.
   */
  async backoff(attempt: number, error: unknown): Promise<void> {
    this.lost(error);
    this.failingSince ??= this.now();
    const left = this.failingSince + this.budgetMs - this.now();
    if (left <= 0) throw new DatabaseUnavailableError(this.label, this.budgetMs, error);
    const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(attempt, 10), left);
    // A little jitter so forks do not all knock at the same instant.
    await new Promise((resolve) => setTimeout(resolve, delay * (0.8 + 0.4 * Math.random())));
  }
}

/** The budget from KEK_ROTATE_RECONNECT_SECONDS (seconds, 0 to 3600), or undefined when unset. */
export function reconnectBudgetFromEnv(env: Record<string, string | undefined>): number | undefined {
  const raw = env[RECONNECT_ENV];
  if (raw === undefined || raw.trim() === '') return undefined;
  const seconds = Number(raw.trim());
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 3600) {
    throw new UserError(
      `${RECONNECT_ENV} must be a number of seconds from 0 to 3600, got ${JSON.stringify(raw.slice(0, 40))}`,
      `It is how long the tool keeps reconnecting after losing the database (default ${DEFAULT_RECONNECT_BUDGET_MS / 1000}); unset it for the default.`,
    );
  }
  return Math.round(seconds * 1000);
}
