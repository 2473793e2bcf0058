import type { ServerResponse } from 'node:http';
import type { Exchange } from './exchange.ts';
import { FetchExchange } from './fetch-exchange.ts';
import { NodeExchange, type NodeRequest } from './node-exchange.ts';
import { respondText } from './respond.ts';

/** Serves one exchange; false when the request is not this transport's (another path). */
export type ExchangeHandler = (exchange: Exchange) => Promise<boolean> | boolean;

export type NodeHandler = (
  req: NodeRequest,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => Promise<void>;
export type FetchHandler = (request: Request) => Promise<Response>;

const DONE: Promise<void> = Promise.resolve();

/**
 * The `node:http` entry point of a transport: other paths go to `next` when given (Express) or get
 * 404; a failure is reported and answered 500.
 */
export function createNodeHandler(handle: ExchangeHandler, report: (error: unknown) => void): NodeHandler {
  // What follows the wires' answer, as one function: anything that throws in it is answered 500 too.
  const settle = (exchange: Exchange, taken: boolean, next?: (error?: unknown) => void) => {
    try {
      if (taken) return;
      if (next !== undefined) next();
      else respondText(exchange, 404, `Not Found: ${exchange.request.path}`);
    } catch (error) {
      failed(exchange, error);
    }
  };
  const failed = (exchange: Exchange, error: unknown) => {
    report(error);
    respondText(exchange, 500, 'Internal Server Error');
  };
  return (req, res, next) => {
    const exchange = new NodeExchange(req, res);
    let handled: Promise<boolean> | boolean;
    try {
      handled = handle(exchange);
    } catch (error) {
      failed(exchange, error);
      return DONE;
    }
    // Most requests are answered, or their answer is under way, without waiting for anything.
    if (typeof handled === 'boolean') {
      settle(exchange, handled, next);
      return DONE;
    }
    return handled.then(
      (taken) => settle(exchange, taken, next),
      (error: unknown) => failed(exchange, error),
    );
  };
}

/** The web `Request` → `Response` entry point of a transport (Hono, Bun, Deno, workers). */
export function createFetchHandler(handle: ExchangeHandler, report: (error: unknown) => void): FetchHandler {
  return async (request) => {
    const exchange = new FetchExchange(request);
    try {
      if (!(await handle(exchange))) respondText(exchange, 404, `Not Found: ${exchange.request.path}`);
    } catch (error) {
      report(error);
    }
    if (!exchange.answered) respondText(exchange, 500, 'Internal Server Error');
    return exchange.response;
  };
}
