import type { ServerResponse } from 'node:http';
import type { Exchange } from './exchange.ts';
import { FetchExchange } from './fetch-exchange.ts';
import { NodeExchange, type NodeRequest } from './node-exchange.ts';
import { respondText } from './respond.ts';

/**
 * Serves one exchange: false when the request is not this transport's (another path), true when it
 * was answered or its answer is under way; or a promise while something is still awaited, settling
 * when the exchange is done: to false when it was not this transport's after all, to anything else
 * when it was taken. A rejection is a failure, answered 500.
 */
export type ExchangeHandler = (exchange: Exchange) => Promise<unknown> | boolean;

/** Whether an `ExchangeHandler` took its exchange, once what it awaited has settled. */
export async function wasTaken(handled: Promise<unknown> | boolean): Promise<boolean> {
  return typeof handled === 'boolean' ? handled : (await handled) !== false;
}

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
    let handled: Promise<unknown> | boolean;
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
      (taken) => settle(exchange, taken !== false, next),
      (error: unknown) => failed(exchange, error),
    );
  };
}

/** The web `Request` → `Response` entry point of a transport (Hono, Bun, Deno, workers). */
export function createFetchHandler(handle: ExchangeHandler, report: (error: unknown) => void): FetchHandler {
  return async (request) => {
    const exchange = new FetchExchange(request);
    try {
      if (!(await wasTaken(handle(exchange)))) {
        respondText(exchange, 404, `Not Found: ${exchange.request.path}`);
      }
    } catch (error) {
      report(error);
    }
    if (!exchange.answered) respondText(exchange, 500, 'Internal Server Error');
    return exchange.response;
  };
}
