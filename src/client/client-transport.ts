import type { JSONRPCMessage, RequestId } from '../protocol/jsonrpc.ts';
import type { ClientCapabilities } from '../protocol/lifecycle.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import { parseMessages } from '../protocol/parse.ts';
import type { ResolvedClientOptions } from './client-options.ts';
import type { EventSourceMessage } from './read-event-stream.ts';

/** Where a transport hands what it receives. */
export interface TransportSink {
  message(message: JSONRPCMessage): void;
  /** The answer to request `id` can no longer arrive (its stream was lost and could not be resumed). */
  lost(id: RequestId, error: McpLiveError): void;
  /** A problem that does not end the connection (a stream that could not be resumed, a malformed event). */
  error(error: McpLiveError): void;
  /** The connection ended for good. */
  closed(error: McpLiveError): void;
  /** The stream that carries the server's own messages dropped; it is reopened after `delay` ms. */
  reconnecting(attempt: number, delay: number, error: McpLiveError): void;
  /** That stream is open again (`resumed`), or the client gave up on it (reported as an error). */
  reconnected(resumed: boolean): void;
}

/** Options shared by the client transports. */
export interface ClientTransportOptions {
  client: ResolvedClientOptions;
  sink: TransportSink;
  /** The capabilities to declare now (a 2026-07-28 request declares them itself). */
  capabilities?: () => ClientCapabilities;
}

/** One wire between the client and a server: bytes in, JSON-RPC messages out. */
export interface ClientTransport {
  /** `'stateless'`: MCP 2026-07-28 over Streamable HTTP, every request on its own. */
  readonly kind: 'streamable-http' | 'sse' | 'stateless';
  /** The session id the server assigned, when the wire has one. */
  readonly sessionId: string | undefined;
  /** Opens what must exist before the first message can be sent. */
  start(): Promise<void>;
  /** Sends one message; resolves once the server accepted it. `signal` abandons it. */
  send(message: JSONRPCMessage, signal?: AbortSignal): Promise<void>;
  /** The handshake negotiated `protocolVersion`: send it with every later request. */
  ready(protocolVersion: string): void;
  /** The session is initialized: open the stream for server-initiated messages, if the wire has one. */
  listen(): void;
  /** Ends every stream and the session. */
  close(): Promise<void>;
}

/** Hands the JSON-RPC messages of one SSE event to `sink`; skips priming (empty) and foreign events. */
export function deliverEvent(
  event: EventSourceMessage,
  source: string,
  sink: TransportSink,
): JSONRPCMessage[] {
  if ((event.event !== undefined && event.event !== 'message') || event.data.trim() === '') return [];
  return deliverPayload(event.data, source, sink);
}

/** Decodes one payload (a message or a batch) and hands every message to `sink`; returns them. */
export function deliverPayload(text: string, source: string, sink: TransportSink): JSONRPCMessage[] {
  const parsed = parseMessages(text);
  if (!parsed.ok) {
    sink.error(
      new McpLiveError(
        'UNEXPECTED_MESSAGE',
        `${source} sent something that is not JSON-RPC: ${parsed.error.error.message}`,
      ),
    );
    return [];
  }
  for (const message of parsed.messages) sink.message(message);
  return parsed.messages;
}
