import { ElicitationMethod } from '../protocol/elicitation.ts';
import { errorText } from '../protocol/error-text.ts';
import {
  ErrorCode,
  type JSONRPCErrorResponse,
  type JSONRPCRequest,
  type JSONRPCResponse,
  type RequestId,
} from '../protocol/jsonrpc.ts';
import type { ClientCapabilities } from '../protocol/lifecycle.ts';
import { LifecycleMethod } from '../protocol/lifecycle.ts';
import { isProtocolError, ProtocolError } from '../protocol/protocol-error.ts';
import { RootsMethod } from '../protocol/roots.ts';
import { SamplingMethod } from '../protocol/sampling.ts';
import type { ServerRequestContext, ServerRequestHandler } from './client-types.ts';

function errorResponse(id: RequestId, error: unknown): JSONRPCErrorResponse {
  const wire = isProtocolError(error)
    ? error.toJSON()
    : { code: ErrorCode.InternalError, message: errorText(error) };
  return { jsonrpc: '2.0', id, error: wire };
}

/** The client's handlers for requests the server sends (sampling, elicitation, roots, …). */
export class ServerRequestHandlers {
  #handlers = new Map<string, ServerRequestHandler>();
  #running = new Map<RequestId, AbortController>();

  set(method: string, handler: ServerRequestHandler): () => void {
    this.#handlers.set(method, handler);
    return () => {
      if (this.#handlers.get(method) === handler) this.#handlers.delete(method);
    };
  }

  /** The capabilities the handlers imply, to declare in `initialize`. */
  capabilities(): ClientCapabilities {
    const capabilities: ClientCapabilities = {};
    if (this.#handlers.has(SamplingMethod.CreateMessage)) capabilities.sampling = {};
    if (this.#handlers.has(ElicitationMethod.Create)) capabilities.elicitation = {};
    if (this.#handlers.has(RootsMethod.List)) capabilities.roots = {};
    return capabilities;
  }

  /** Runs the handler of `request`; resolves the response, or undefined when the server cancelled it. */
  async handle(request: JSONRPCRequest): Promise<JSONRPCResponse | undefined> {
    const { id, method } = request;
    if (method === LifecycleMethod.Ping) return { jsonrpc: '2.0', id, result: {} };
    const handler = this.#handlers.get(method);
    if (handler === undefined) {
      return errorResponse(id, ProtocolError.methodNotFound(method, 'has no handler on this client'));
    }
    const controller = new AbortController();
    this.#running.set(id, controller);
    try {
      const result = await handler(request.params ?? {}, {
        signal: controller.signal,
        requestId: id,
        method,
      });
      // The spec: a cancelled request gets no response.
      if (controller.signal.aborted) return undefined;
      return { jsonrpc: '2.0', id, result: result ?? {} };
    } catch (error) {
      return controller.signal.aborted ? undefined : errorResponse(id, error);
    } finally {
      this.#running.delete(id);
    }
  }

  /** Runs the handler of `method` to answer an input round (2026-07-28); `undefined` when there is none. */
  async answer(
    method: string,
    params: Record<string, unknown>,
    context: ServerRequestContext,
  ): Promise<Record<string, unknown> | undefined> {
    const handler = this.#handlers.get(method);
    if (handler === undefined) return undefined;
    return (await handler(params, context)) ?? {};
  }

  /** Aborts the handler running for request `id` (the server sent `notifications/cancelled`). */
  cancel(id: RequestId, reason: unknown): void {
    this.#running.get(id)?.abort(reason);
  }

  cancelAll(reason: unknown): void {
    for (const controller of this.#running.values()) controller.abort(reason);
  }
}
