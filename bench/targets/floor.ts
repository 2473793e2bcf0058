// The floors: hand-written node:http servers that speak just enough of one wire to answer the bench's
// calls; nothing can be much cheaper. `--wire sse` (HTTP+SSE, the default), `json` (a POST answered with
// JSON in one write: Streamable HTTP sessions and 2026-07-28 stateless requests), `listen` (the JSON
// floor plus held `subscriptions/listen` streams).
import { createJSONFloor } from './floor-json.ts';
import { createListenFloor } from './floor-listen.ts';
import { createSSEFloor } from './floor-sse.ts';
import { announce, parseTargetArgs, readOption, serveControl } from './harness.ts';

const args = parseTargetArgs();
const wire = readOption('wire') ?? 'sse';
const floor =
  wire === 'json'
    ? createJSONFloor()
    : wire === 'listen'
      ? createListenFloor(args.keepAliveMs)
      : wire === 'sse'
        ? createSSEFloor(args.keepAliveMs)
        : undefined;
if (floor === undefined) throw new Error(`--wire must be sse, json or listen, got ${JSON.stringify(wire)}`);
serveControl(() => floor.size);
floor.server.listen(args.port, args.host, () => announce(floor.server, `floor-${wire}`));
