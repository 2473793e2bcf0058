import type { JSONRPCRequest, JSONRPCResponse, RequestId } from '../protocol/jsonrpc.ts';
import { LifecycleMethod } from '../protocol/lifecycle.ts';
import { isMcpLiveError, McpLiveError } from '../protocol/mcp-live-error.ts';
import type { ProgressParams } from '../protocol/progress.ts';
import { ProtocolError } from '../protocol/protocol-error.ts';
import type { RequestOptions } from './client-types.ts';
import { reasonOf } from './transport-error.ts';

interface PendingRequest {
  label: string;
  settle(response: JSONRPCResponse): void;
  fail(error: McpLiveError): void;
  progress: ((params: ProgressParams) => void) | undefined;
}

export interface OutgoingRequestsOptions {
  /** Tells the server to stop working on a request the client gave up on (abort or timeout). */
  cancel(id: RequestId, reason: string): void;
}

/** Wraps anything thrown by a transport that is not an `McpLiveError` as a `TRANSPORT` error. */
export function toLiveError(error: unknown): McpLiveError {
  return isMcpLiveError(error) ? error : new McpLiveError('TRANSPORT', reasonOf(error), { cause: error });
}

/** The client's requests in flight: ids, timeouts, aborts, progress routing and answers. */
export class OutgoingRequests {
  #nextId = 0;
  #pending = new Map<RequestId, PendingRequest>();
  #cancel: OutgoingRequestsOptions['cancel'];

  constructor(options: OutgoingRequestsOptions) {
    this.#cancel = options.cancel;
  }

  /**
   * Sends a request through `send` and resolves its result. The signal given to `send` aborts when
   * the client stops waiting, so the transport can drop the stream that would carry the answer.
   */
  start<Result>(
    method: string,
    params: object | undefined,
    options: RequestOptions & { timeout: number },
    send: (message: JSONRPCRequest, signal: AbortSignal) => Promise<void>,
  ): Promise<Result> {
    const id = ++this.#nextId;
    const label = `"${method}" (request ${id})`;
    const { signal, onProgress, timeout } = options;
    const message: JSONRPCRequest = { jsonrpc: '2.0', id, method };
    const body = params as Record<string, unknown> | undefined;
    if (onProgress !== undefined) {
      // The request id doubles as the progress token: it is unique among the requests in flight.
      message.params = { ...body, _meta: { ...(body?._meta as object | undefined), progressToken: id } };
    } else if (body !== undefined) message.params = body;
    return new Promise<Result>((resolve, reject) => {
      if (signal?.aborted)
        return reject(new McpLiveError('ABORTED', `${label} was aborted before it was sent`));
      const abandon = new AbortController();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#pending.delete(id);
      };
      const fail = (error: McpLiveError, cancel?: string) => {
        finish();
        abandon.abort(error);
        reject(error);
        // The spec forbids cancelling initialize.
        if (cancel !== undefined && method !== LifecycleMethod.Initialize) this.#cancel(id, cancel);
      };
      const arm = () => {
        clearTimeout(timer);
        const expired = `${label} got no answer within ${timeout} ms; pass a larger \`timeout\` or raise \`requestTimeout\``;
        timer = setTimeout(
          () => fail(new McpLiveError('TIMEOUT', expired), `timed out after ${timeout} ms`),
          timeout,
        );
      };
      const onAbort = () => {
        const why =
          signal?.reason instanceof Error ? signal.reason.message : String(signal?.reason ?? 'aborted');
        fail(new McpLiveError('ABORTED', `${label} was aborted: ${why}`, { cause: signal?.reason }), why);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      arm();
      this.#pending.set(id, {
        label,
        settle: (response) => {
          finish();
          if (!('error' in response)) return resolve(response.result as Result);
          const { code, message: text, data } = response.error;
          reject(new ProtocolError(code, text, { data }));
        },
        fail,
        progress:
          onProgress &&
          ((progress) => {
            if (options.resetTimeoutOnProgress) arm();
            onProgress(progress);
          }),
      });
      send(message, abandon.signal).catch((error: unknown) => this.fail(id, toLiveError(error)));
    });
  }

  /** Settles the request a response answers; a response to nothing in flight is dropped. */
  settle(response: JSONRPCResponse): void {
    if (response.id !== null) this.#pending.get(response.id)?.settle(response);
  }

  /** Hands a progress notification to the call whose progress token it carries. */
  progress(params: ProgressParams): void {
    this.#pending.get(params.progressToken)?.progress?.(params);
  }

  fail(id: RequestId, error: McpLiveError): void {
    this.#pending.get(id)?.fail(error);
  }

  /** Rejects every request in flight with the error `errorFor` makes from its label. */
  failAll(errorFor: (label: string) => McpLiveError): void {
    for (const pending of [...this.#pending.values()]) pending.fail(errorFor(pending.label));
  }
}
