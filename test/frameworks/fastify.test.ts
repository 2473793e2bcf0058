// examples/frameworks/fastify.ts: Fastify 5 serving both MCP transports beside its own routes.
import type { AddressInfo } from 'node:net';
import { createFastifyApp } from '../../examples/frameworks/fastify.ts';
import { describeFramework } from './framework-suite.ts';

describeFramework('Fastify 5', async (mcp) => {
  const app = await createFastifyApp(mcp);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    origin: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
  };
});
