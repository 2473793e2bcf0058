export type { CORSOptions } from './http/cors.ts';
export type { HTTPRequestInfo } from './http/exchange.ts';
export type { KeepAliveMode } from './http/keep-alive.ts';
export type { NodeRequest } from './http/node-exchange.ts';
export type { ListenAddress, ListeningInfo } from './listen.ts';
export type { SSEServerOptions } from './sse-options.ts';
export type { SSECloseOptions } from './sse-server.ts';
export { SSEServer } from './sse-server.ts';
