// Which wire the page speaks, from ?transport=…: MCP 2026-07-28 (stateless), a Streamable HTTP 2025
// session, HTTP+SSE, or (without the parameter) a session on whichever of the two the server offers.
import type { ConnectOptions } from '../../../src/client/index.ts';

export type WireChoice = 'stateless' | 'streamable-http' | 'sse' | 'auto';

const CHOICES: readonly WireChoice[] = ['stateless', 'streamable-http', 'sse'];

export function chosenWire(search: string): WireChoice {
  const requested = new URLSearchParams(search).get('transport');
  return CHOICES.find((choice) => choice === requested) ?? 'auto';
}

/** Where `connect()` goes and how, for a wire. */
export function wireEndpoint(choice: WireChoice, base: string): { url: URL; options: ConnectOptions } {
  const url = new URL(choice === 'sse' ? '/sse' : '/mcp', base);
  if (choice === 'stateless') return { url, options: { protocol: '2026-07-28' } };
  return { url, options: { transport: choice, sseUrl: new URL('/sse', base) } };
}
