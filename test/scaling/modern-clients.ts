// The official SDK v2 client pinned to MCP 2026-07-28, as the scaling suites use it: it records the
// resources/updated and notifications/message it hears.
import assert from 'node:assert/strict';
import { Client as ClientV2, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { textOf } from './cluster-harness.ts';

export interface Modern {
  client: ClientV2;
  /** The uris of the resources/updated notifications heard, in order. */
  updated: string[];
  /** Every notifications/message heard (announcements). */
  messages: Array<Record<string, unknown>>;
}

export async function connectModern(url: URL, name: string): Promise<Modern> {
  const client = new ClientV2(
    { name, version: '1.0.0' },
    { capabilities: { elicitation: {} }, versionNegotiation: { mode: { pin: '2026-07-28' } } },
  );
  const modern: Modern = { client, updated: [], messages: [] };
  client.setNotificationHandler(
    'notifications/resources/updated',
    (n) => void modern.updated.push(n.params.uri),
  );
  client.setNotificationHandler('notifications/message', (n) => void modern.messages.push(n.params));
  await client.connect(new StreamableHTTPClientTransport(url));
  assert.equal(client.getNegotiatedProtocolVersion(), '2026-07-28');
  return modern;
}

/** Edits document `id` (fresh on every instance, so base version 0 holds wherever the call lands). */
export async function touchDocument(client: ClientV2, id: string): Promise<void> {
  const result = await client.callTool({
    name: 'edit_document',
    arguments: { doc_id: id, operation: 'set', data: { base_version: 0, text: `edited ${id}` } },
  });
  assert.notEqual(result.isError, true, textOf(result));
}
