// examples/frameworks/hono.ts: Hono, through the fetch handler under @hono/node-server, serving both
// MCP transports beside its own routes.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createHonoApp } from '../../examples/frameworks/hono.ts';
import { describeFramework } from './framework-suite.ts';

describeFramework('Hono', async (mcp) => {
  const app = createHonoApp(mcp);
  const http = await new Promise<Server>((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(server as Server),
    );
  });
  return {
    origin: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    close: async () => {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
});
