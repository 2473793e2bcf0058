import type { JSONRPCRequest, JSONRPCResponse } from '../protocol/jsonrpc.ts';
import type { MessageExtra } from './dispatcher.ts';
import type { McpServer } from './mcp-server.ts';
import type { Session } from './session.ts';

/**
 * What an attached instrumentation (`instrument()` from `mcp-live/otel`) hears from the core. Nothing
 * here knows OpenTelemetry: every call site reads the slot and does nothing more when it is empty.
 */
export interface Instrumentation {
  /**
   * Serves one request of `session` through `serve`, which resolves to the response sent, or to
   * `undefined` when none was (the request was cancelled, or its session closed).
   */
  request(
    session: Session,
    request: JSONRPCRequest,
    extra: MessageExtra,
    serve: () => Promise<JSONRPCResponse | undefined>,
  ): Promise<void>;
  /** Encoded text began (`delta > 0`) or stopped (`delta < 0`) waiting for a client that is not reading. */
  buffered(delta: number): void;
  /** A client stopped reading for so long that its stream was dropped (`maxBufferedBytes`). */
  overflowed(): void;
  /** A request crossed the message bus: `sent` to the instance holding its session, or `received` from one. */
  relayed(direction: 'sent' | 'received'): void;
  /** This instance took over a session whose instance was gone. */
  tookOver(): void;
  /** A session store, event store or message bus failed (reported, or answered with 503). */
  storeFailed(error: unknown): void;
}

/** Where a server keeps its instrumentation; the core's components share the one slot of their server. */
export class InstrumentationSlot {
  current: Instrumentation | undefined = undefined;
}

/** The key under which an `McpServer` keeps its instrumentation slot (shared by copies of the package). */
export const INSTRUMENTATION: unique symbol = Symbol.for('mcp-live.instrumentation') as never;

/** `server`'s instrumentation slot. */
export function instrumentationOf(server: McpServer): InstrumentationSlot {
  return server[INSTRUMENTATION];
}
