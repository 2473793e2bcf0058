import type { TransportKind } from './client/open-sessions.ts';

/** What a target is to the report: the library, a hand-written floor, or a peer it is compared with. */
export type TargetRole = 'mcp-live' | 'floor' | 'peer';

/**
 * What the runner measures on a target: `throughput` (echo calls), `scale` (idle sessions, or listen
 * streams on the 2026 wire, and one notification fanned out to all), `input` (2026 input rounds).
 */
export type Scenario = 'throughput' | 'scale' | 'input';

/** A server under test: which script runs it, which wire the load generator speaks to it, and what it is. */
export interface TargetSpec {
  id: string;
  label: string;
  transport: TransportKind;
  role: TargetRole;
  script: string;
  args: string[];
  scenarios: readonly Scenario[];
  /** Packages whose versions the report names, read from node_modules at run time. */
  packages: readonly string[];
  /** How it is set up, for the report's table of targets. */
  setup: string;
}

const SDK1 = '@modelcontextprotocol/sdk';
const SDK2 = '@modelcontextprotocol/server';
const SDK2_NODE = '@modelcontextprotocol/node';
const SDK2_LEGACY = '@modelcontextprotocol/server-legacy';
const ALL: readonly Scenario[] = ['throughput', 'scale'];
const STATELESS: readonly Scenario[] = ['throughput', 'input', 'scale'];

export const TARGETS: readonly TargetSpec[] = [
  {
    id: 'mcp-live-sse',
    label: 'mcp-live HTTP+SSE',
    transport: 'sse',
    role: 'mcp-live',
    script: 'bench/targets/mcp-live.ts',
    args: ['--transport', 'sse'],
    scenarios: ALL,
    packages: [],
    setup: '`SSEServer` through the public API',
  },
  {
    id: 'mcp-live-streamable',
    label: 'mcp-live Streamable HTTP',
    transport: 'streamable',
    role: 'mcp-live',
    script: 'bench/targets/mcp-live.ts',
    args: ['--transport', 'streamable'],
    scenarios: ALL,
    packages: [],
    setup: '`StreamableHTTPServer`, 2025 sessions',
  },
  {
    id: 'mcp-live-2026',
    label: 'mcp-live 2026 stateless',
    transport: 'stateless',
    role: 'mcp-live',
    script: 'bench/targets/mcp-live.ts',
    args: ['--transport', 'streamable'],
    scenarios: STATELESS,
    packages: [],
    setup: 'the same `StreamableHTTPServer`, 2026-07-28 requests and `subscriptions/listen`',
  },
  {
    id: 'floor',
    label: 'floor HTTP+SSE',
    transport: 'sse',
    role: 'floor',
    script: 'bench/targets/floor.ts',
    args: ['--wire', 'sse'],
    scenarios: ALL,
    packages: [],
    setup: '`bench/targets/floor-sse.ts`: `node:http`, one SSE frame per answer',
  },
  {
    id: 'floor-json',
    label: 'floor JSON (2025 session)',
    transport: 'streamable',
    role: 'floor',
    script: 'bench/targets/floor.ts',
    args: ['--wire', 'json'],
    scenarios: ['throughput'],
    packages: [],
    setup: '`bench/targets/floor-json.ts`: `node:http`, each POST answered with JSON in one write',
  },
  {
    id: 'floor-json-2026',
    label: 'floor JSON (2026)',
    transport: 'stateless',
    role: 'floor',
    script: 'bench/targets/floor.ts',
    args: ['--wire', 'json'],
    scenarios: ['throughput', 'input'],
    packages: [],
    setup: 'the JSON floor, driven with 2026-07-28 requests',
  },
  {
    id: 'floor-listen',
    label: 'floor listen',
    transport: 'stateless',
    role: 'floor',
    script: 'bench/targets/floor.ts',
    args: ['--wire', 'listen'],
    scenarios: ['scale'],
    packages: [],
    setup: '`bench/targets/floor-listen.ts`: the JSON floor plus one held SSE stream per listen',
  },
  {
    id: 'sdk-sse',
    label: 'SDK 1.x HTTP+SSE',
    transport: 'sse',
    role: 'peer',
    script: 'bench/targets/sdk-sse.ts',
    args: [],
    scenarios: ALL,
    packages: [SDK1],
    setup: '`SSEServerTransport` and one `McpServer` per session on `node:http`',
  },
  {
    id: 'sdk-streamable',
    label: 'SDK 1.x Streamable HTTP',
    transport: 'streamable',
    role: 'peer',
    script: 'bench/targets/sdk-streamable.ts',
    args: [],
    scenarios: ALL,
    packages: [SDK1],
    setup: 'stateful `StreamableHTTPServerTransport` and one `McpServer` per session on `node:http`',
  },
  {
    id: 'sdk2-sse',
    label: 'SDK v2 legacy SSE',
    transport: 'sse',
    role: 'peer',
    script: 'bench/targets/sdk2-sse.ts',
    args: [],
    scenarios: ALL,
    packages: [SDK2, SDK2_LEGACY, SDK2_NODE],
    setup: '`SSEServerTransport` from `server-legacy/sse`, one v2 `McpServer` per session, localhost guards',
  },
  {
    id: 'sdk2-streamable',
    label: 'SDK v2 Streamable HTTP',
    transport: 'streamable',
    role: 'peer',
    script: 'bench/targets/sdk2-streamable.ts',
    args: [],
    scenarios: ALL,
    packages: [SDK2, SDK2_NODE],
    setup: '`NodeStreamableHTTPServerTransport` with `sessionIdGenerator`, one `McpServer` per session',
  },
  {
    id: 'sdk2-2026',
    label: 'SDK v2 createMcpHandler (2026)',
    transport: 'stateless',
    role: 'peer',
    script: 'bench/targets/sdk2-stateless.ts',
    args: [],
    scenarios: STATELESS,
    packages: [SDK2, SDK2_NODE],
    setup: '`createMcpHandler(factory)` (a new `McpServer` per request) through `toNodeHandler`',
  },
  {
    id: 'fastmcp-sse',
    label: 'fastmcp HTTP+SSE',
    transport: 'sse',
    role: 'peer',
    script: 'bench/targets/fastmcp.ts',
    args: [],
    scenarios: ALL,
    packages: ['fastmcp', 'mcp-proxy', SDK1],
    setup: "`server.start({ transportType: 'httpStream' })`, its `/sse` endpoint",
  },
  {
    id: 'fastmcp-stream',
    label: 'fastmcp httpStream',
    transport: 'streamable',
    role: 'peer',
    script: 'bench/targets/fastmcp.ts',
    args: [],
    scenarios: ALL,
    packages: ['fastmcp', 'mcp-proxy', SDK1],
    setup: "`server.start({ transportType: 'httpStream' })`, its `/mcp` endpoint (sessions)",
  },
];

/** The floor each wire's calls are judged against: one SSE frame, or one JSON write. */
export const CALL_FLOOR: Readonly<Record<TransportKind, string>> = {
  sse: 'floor',
  streamable: 'floor-json',
  stateless: 'floor-json-2026',
};

/** The floor of each wire's idle streams: HTTP+SSE sessions, and 2026 listen streams. */
export const STREAM_FLOOR: Readonly<Record<TransportKind, string | undefined>> = {
  sse: 'floor',
  streamable: undefined,
  stateless: 'floor-listen',
};

/** The wires by name, as the report and the goals say them. */
export const WIRE_NAMES: Readonly<Record<TransportKind, string>> = {
  sse: 'HTTP+SSE',
  streamable: 'Streamable HTTP (2025)',
  stateless: '2026 stateless',
};
