import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { ServerRequestContext } from './client-types.ts';

/** How many `input_required` answers one call takes before the client gives up. */
export const MAX_INPUT_ROUNDS = 16;

/** What `runInputRounds` needs from the client. */
export interface InputRoundsOptions {
  method: string;
  params: object | undefined;
  /** Sends the request with these params (a new JSON-RPC request each round). */
  send(params: Record<string, unknown> | undefined): Promise<Record<string, unknown>>;
  /** Aborts the call; the handlers' `context.signal` aborts with it. */
  signal?: AbortSignal | undefined;
  /**
   * Answers one input request with the client's handler for `method` (`context.requestId` is its key);
   * resolves `undefined` when the client has none.
   */
  answer(
    method: string,
    params: Record<string, unknown>,
    context: ServerRequestContext,
  ): Promise<Record<string, unknown> | undefined>;
  /** @default MAX_INPUT_ROUNDS */
  maxRounds?: number;
}

interface InputRequest {
  method?: unknown;
  params?: unknown;
}

/**
 * Sends a MCP 2026-07-28 request and, while the server answers `resultType: "input_required"`, answers
 * every entry of `inputRequests` with the client's handlers and sends the request again with
 * `inputResponses` and the unchanged `requestState`. Resolves the final result.
 */
export async function runInputRounds<Result>(options: InputRoundsOptions): Promise<Result> {
  const { method } = options;
  const base = options.params as Record<string, unknown> | undefined;
  const maxRounds = options.maxRounds ?? MAX_INPUT_ROUNDS;
  let params = base;
  for (let round = 0; ; round++) {
    const result = await options.send(params);
    if (result.resultType !== 'input_required') return result as Result;
    if (round >= maxRounds) {
      throw new McpLiveError(
        'INPUT_REQUIRED',
        `"${method}" still asked for input after ${maxRounds} rounds of answers; the server keeps asking, so check the answers your handlers give (or the server)`,
        { data: result },
      );
    }
    const requests = (result.inputRequests ?? {}) as Record<string, InputRequest>;
    const inputResponses: Record<string, unknown> = {};
    await Promise.all(
      Object.entries(requests).map(async ([key, request]) => {
        const asked = String(request.method);
        const asks = (request.params ?? {}) as Record<string, unknown>;
        const signal = options.signal ?? new AbortController().signal;
        const answer = await options.answer(asked, asks, { signal, requestId: key, method: asked });
        if (answer === undefined) {
          throw new McpLiveError(
            'CAPABILITY_MISSING',
            `"${method}" needs the client to answer "${asked}" (input "${key}"), and this client has no handler for it; register one with client.setRequestHandler('${asked}', …) before the call`,
            { data: { method: asked, key } },
          );
        }
        inputResponses[key] = answer;
      }),
    );
    // A result with only requestState (the server shedding load) is retried at once, without answers.
    params = Object.keys(requests).length > 0 ? { ...base, inputResponses } : { ...base };
    if (typeof result.requestState === 'string') params.requestState = result.requestState;
  }
}
