// A small TCP proxy between the tool and the test PostgreSQL server, to stage what a server restart
// looks like from the client without touching the shared server: every connection cut at once,
// then connections refused for a while, then accepted again.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** `url` with its host and port replaced by the proxy's. */
  via(url: string): string;
  /** Connections made through the proxy so far. */
  readonly accepted: number;
  /** Destroys every open connection (both sides), as a crashed or restarted server would. */
  cutAll(): void;
  /** Stops listening: new connections are refused (ECONNREFUSED) until `accept()`. */
  refuse(): Promise<void>;
  /** Listens again on the same port. */
  accept(): Promise<void>;
  /** cutAll + refuse, then accept after `ms`; resolves once accepting again. */
  outage(ms: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  let server: Server;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((client) => {
        accepted++;
        const upstream = createConnection(target);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('error', () => undefined);
          s.on('close', () => {
            sockets.delete(s);
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream);
        upstream.pipe(client);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  await listen();
  let listening = true;
  const cutAll = () => {
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  const refuse = async () => {
    if (!listening) return;
    listening = false;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const accept = async () => {
    if (listening) return;
    await listen();
    listening = true;
  };
  return {
    get port() {
      return port;
    },
    get accepted() {
      return accepted;
    },
    via(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    cutAll,
    async refuse() {
      // Close first so nothing new gets in while the open connections are cut.
      const closing = refuse();
      cutAll();
      await closing;
    },
    accept,
    async outage(ms) {
      const closing = refuse();
      cutAll();
      await closing;
      await new Promise((r) => setTimeout(r, ms));
      await accept();
    },
    async close() {
      cutAll();
      await refuse();
    },
  };
}

/** Where TEST_DATABASE_URL points. */
export function targetOf(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || 5432) };
}
