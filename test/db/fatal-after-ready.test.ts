// A connection that dies in the same packet that made it ready: the server's FATAL right behind
// its ReadyForQuery (what pg_terminate_backend looks like when it lands as a connection opens).
// The driver emits that error in the tick that hands the new client out, before the code that
// asked for it runs again; without a listener already on the client, Node treats it as an uncaught
// exception and the process dies. The adapter must absorb it and carry on with a new connection.
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { openPg } from '../../src/db/pg-adapter.js';
import { SKIP_PG_REASON, TEST_DATABASE_URL } from '../helpers/test-db.js';
import { targetOf } from './tcp-proxy.js';

if (!TEST_DATABASE_URL) console.log(SKIP_PG_REASON);

/** The bytes of a backend ErrorResponse: FATAL 57P01, as PostgreSQL sends when a backend is terminated. */
function fatalTerminated(): Buffer {
  const field = (code: string, text: string) => Buffer.concat([Buffer.from(code), Buffer.from(`${text}\0`)]);
  const body = Buffer.concat([
    field('S', 'FATAL'),
    field('V', 'FATAL'),
    field('C', '57P01'),
    field('M', 'terminating connection due to administrator command'),
    Buffer.from([0]),
  ]);
  const head = Buffer.alloc(5);
  head.write('E', 0);
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

/**
 * Proxies to the server; on the connections numbered in `doomed` (1-based), it holds the server's
 * bytes until the first ReadyForQuery, sends them with the FATAL appended in the same write, and
 * closes. Other connections pass through untouched.
 */
async function startDoomingProxy(doomed: Set<number>): Promise<{ url(u: string): string; close(): Promise<void> }> {
  const target = targetOf(TEST_DATABASE_URL!);
  const sockets = new Set<Socket>();
  let count = 0;
  const server: Server = createServer((client) => {
    const n = ++count;
    const upstream = createConnection(target);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    if (!doomed.has(n)) {
      upstream.pipe(client);
      return;
    }
    let held = Buffer.alloc(0);
    upstream.on('data', (chunk: Buffer) => {
      held = Buffer.concat([held, chunk]);
      // Server messages after the startup: a type byte and an int32 length (which counts itself).
      for (let at = 0; at + 5 <= held.length;) {
        const length = held.readInt32BE(at + 1);
        if (at + 1 + length > held.length) break;
        if (held[at] === 0x5a /* 'Z' ReadyForQuery */) {
          client.end(Buffer.concat([held.subarray(0, at + 1 + length), fatalTerminated()]));
          upstream.destroy();
          return;
        }
        at += 1 + length;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url(u) {
      const parsed = new URL(u);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe.skipIf(!TEST_DATABASE_URL)('a connection killed in the packet that made it ready', () => {
  let proxy: Awaited<ReturnType<typeof startDoomingProxy>>;
  let db: Db | undefined;
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  beforeAll(async () => {
    // Connection 1 is the adapter's start-up check, 2 the first statement's: both die as they open.
    proxy = await startDoomingProxy(new Set([1, 2]));
    process.on('uncaughtException', onUncaught);
  });
  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    await db?.close().catch(() => undefined);
    await proxy.close();
  });

  it('is absorbed: no uncaught error, and the statement runs on a new connection', async () => {
    db = await openPg({ connectionString: proxy.url(TEST_DATABASE_URL!), max: 1, reconnectBudgetMs: 10_000 });
    const { rows } = await db.query<{ one: number }>('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(uncaught).toEqual([]);
  });
});
