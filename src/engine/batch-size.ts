// How many rows the engine moves per transaction: one default for every way in (reencrypt, the
// runbook, the external engine's --batch-size), and the most it accepts.

/** The reference tool's default, kept. */
export const DEFAULT_BATCH_SIZE = 100;

/**
 * The largest --batch-size. Each row of a batch in flight costs a few KB (the row, its decrypted and
 * re-encrypted forms, the copies to the crypto workers), times one batch per worker. Measured peak
 * RSS of a live reencrypt on 100,000 rows (88,025 to move, PostgreSQL, 2 workers): 229 MB at 1,000,
 * 385 MB at 10,000, 456 MB at 30,000, 518 MB at 100,000, and 2.95 GB at 1,000,000 on a larger table;
 * throughput stops improving well before 10,000 (3.9 s at 1,000, 4.3 s at 10,000 on that table). A
 * batch is also one transaction holding its rows' locks against the live application, so larger
 * batches only make the application wait longer.
 */
export const MAX_BATCH_SIZE = 10_000;
