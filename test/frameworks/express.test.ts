// examples/frameworks/express.ts: Express 5 serving both MCP transports beside its own routes.
import type { AddressInfo } from 'node:net';
import { createExpressApp } from '../../examples/frameworks/express.ts';
import { describeFramework } from './framework-suite.ts';

describeFramework('Express 5', async (mcp) => {
  const http = createExpressApp(mcp).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => http.once('listening', resolve));
  return {
    origin: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    close: async () => {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
});
