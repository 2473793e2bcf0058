// The floor of `subscriptions/listen` (2026-07-28): the JSON floor, plus one held SSE stream per listen
// that gets its acknowledgment, a keep-alive comment on one shared timer, and
// `notifications/resources/updated` for the URIs it listed.
import type { ServerResponse } from 'node:http';
import { createJSONFloor } from './floor-json.ts';
import { type FloorMessage, SUBSCRIPTION_ID_KEY, sseFrame } from './floor-rpc.ts';
import type { Floor } from './floor-sse.ts';

interface Listen {
  res: ServerResponse;
  uris: ReadonlySet<string>;
  /** The JSON text of the listen's id, as every frame's `_meta` carries it. */
  id: string;
}

export function createListenFloor(keepAliveMs: number): Floor {
  const listens = new Set<Listen>();

  function open(message: FloorMessage, res: ServerResponse): boolean {
    if (message.method !== 'subscriptions/listen') return false;
    const filter = (message.params as { notifications?: { resourceSubscriptions?: unknown } } | undefined)
      ?.notifications;
    const asked = Array.isArray(filter?.resourceSubscriptions) ? filter.resourceSubscriptions : [];
    const uris = asked.filter((uri): uri is string => typeof uri === 'string');
    const listen: Listen = { res, uris: new Set(uris), id: JSON.stringify(message.id ?? null) };
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(
      sseFrame({
        jsonrpc: '2.0',
        method: 'notifications/subscriptions/acknowledged',
        params: {
          _meta: { [SUBSCRIPTION_ID_KEY]: message.id },
          notifications: { resourceSubscriptions: uris },
        },
      }),
    );
    listens.add(listen);
    res.on('close', () => listens.delete(listen));
    return true;
  }

  function touch(uri: string): number {
    const head = `event: message\ndata: {"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":${JSON.stringify(uri)},"_meta":{"${SUBSCRIPTION_ID_KEY}":`;
    let sent = 0;
    for (const listen of listens) {
      if (!listen.uris.has(uri)) continue;
      listen.res.write(`${head}${listen.id}}}}\n\n`);
      sent++;
    }
    return sent;
  }

  const floor = createJSONFloor({ effects: { touch }, intercept: open, size: () => listens.size });
  const timer = setInterval(() => {
    for (const listen of listens) listen.res.write(': keep-alive\n\n');
  }, keepAliveMs);
  timer.unref();
  floor.server.on('close', () => clearInterval(timer));
  return floor;
}
