import type { TransportKind } from './client/open-sessions.ts';

/** A server under test: which script runs it, which wire it speaks, and what it is compared with. */
export interface TargetSpec {
  id: string;
  label: string;
  transport: TransportKind;
  script: string;
  args: string[];
  /** The official SDK target speaking the same wire (absent for the SDK targets themselves). */
  sdk?: string;
}

export const TARGETS: readonly TargetSpec[] = [
  {
    id: 'mcp-live-sse',
    label: 'mcp-live SSE',
    transport: 'sse',
    script: 'bench/targets/mcp-live.ts',
    args: ['--transport', 'sse'],
    sdk: 'sdk-sse',
  },
  {
    id: 'mcp-live-streamable',
    label: 'mcp-live Streamable HTTP',
    transport: 'streamable',
    script: 'bench/targets/mcp-live.ts',
    args: ['--transport', 'streamable'],
    sdk: 'sdk-streamable',
  },
  {
    id: 'sdk-sse',
    label: 'SDK SSEServerTransport',
    transport: 'sse',
    script: 'bench/targets/sdk-sse.ts',
    args: [],
  },
  {
    id: 'sdk-streamable',
    label: 'SDK StreamableHTTPServerTransport',
    transport: 'streamable',
    script: 'bench/targets/sdk-streamable.ts',
    args: [],
  },
  {
    id: 'floor',
    label: 'floor (node:http, SSE)',
    transport: 'sse',
    script: 'bench/targets/floor.ts',
    args: [],
  },
];

export const FLOOR_ID = 'floor';
