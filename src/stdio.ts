// mcp-live/stdio: the Node-only stdio transport, kept off the root entry.
export type { StdioTransportOptions } from './transports/stdio.ts';
export { StdioTransport, serveStdio } from './transports/stdio.ts';
