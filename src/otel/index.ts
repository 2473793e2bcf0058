// mcp-live/otel: OpenTelemetry spans and metrics for an McpServer. Needs the optional peer dependency
// `@opentelemetry/api`; nothing else in mcp-live imports it.
export type { InstrumentOptions } from './instrument.ts';
export { instrument } from './instrument.ts';
