// How the page asks for what the server pushes. A session (2025 or HTTP+SSE) is on the "general" chat
// channel from the start, follows the document once it read it, and asks for metrics with
// subscribe_updates. A 2026-07-28 client has no session: it opens a subscriptions/listen stream that
// takes chat_message and document_changed through the dev.mcp-live/events extension, and updates of
// metrics://current (each one then read).
import type { Listen, McpClient } from '../../../src/client/index.ts';
import { resultJSON } from './dom.ts';
import { METRICS_URI } from './metrics-view.ts';

const EVENTS = 'dev.mcp-live/events';

/** Asks for the pushes; resolves the listen stream on 2026-07-28, which the page then watches. */
export async function askForUpdates(client: McpClient): Promise<Listen | undefined> {
  if (client.transport !== 'stateless') {
    resultJSON(await client.callTool('subscribe_updates', { topic: 'metrics' }));
    return undefined;
  }
  const listen = await client.listen({
    resourceSubscriptions: [METRICS_URI],
    [EVENTS]: {
      methods: ['chat_message', 'document_changed'],
      topics: ['live-topic://chat/general', 'live-topic://documents/welcome'],
    },
  });
  if (listen.acknowledged[EVENTS] === undefined) {
    await listen.close();
    throw new Error(
      `the server did not acknowledge ${EVENTS} on subscriptions/listen, so chat and document changes cannot reach this 2026-07-28 page; open it with ?transport=streamable-http`,
    );
  }
  return listen;
}
