// A TCP link to a server that a test can cut and mend: while cut, connections through it are dropped
// and new ones refused, as when a user's network goes away while the server keeps running.

import type { AddressInfo } from 'node:net';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { TestContext } from 'node:test';

export interface CuttableLink {
  /** `http://127.0.0.1:<port>/`: the server's page, reached through the link. */
  url: string;
  /** Drops every connection through the link and refuses new ones. */
  cut(): Promise<void>;
  /** Accepts connections again, on the same port. */
  mend(): Promise<void>;
}

/** Opens a link to `target` on 127.0.0.1 (a free port); it is closed after the test. */
export async function openLink(t: TestContext, target: number): Promise<CuttableLink> {
  const sockets = new Set<Socket>();
  const accept = () =>
    createServer((client) => {
      const upstream = createConnection({ host: '127.0.0.1', port: target });
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
  const listen = (server: Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
  let server: Server | undefined = accept();
  const port = await listen(server, 0);
  const cut = async () => {
    const closing = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) =>
      closing === undefined ? resolve() : closing.close(() => resolve()),
    );
  };
  t.after(cut);
  return {
    url: `http://127.0.0.1:${port}/`,
    cut,
    mend: async () => {
      if (server !== undefined) return;
      server = accept();
      await listen(server, port);
    },
  };
}
