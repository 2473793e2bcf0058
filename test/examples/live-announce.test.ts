// announce asks its user to confirm before it broadcasts: over 2025 sessions (SDK 1.x, both wires)
// the question is an elicitation/create request; a client that cannot be asked gets a tool error.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { connectPeer, startLive, textOf, until, WIRES } from './live-harness.ts';

for (const wire of WIRES) {
  describe(`announce (${wire})`, () => {
    test('sends once the user confirms, reaching every session; does not when the user declines', async (t) => {
      const live = await startLive(t);
      const client = new Client({ name: 'asker', version: '1.0.0' }, { capabilities: { elicitation: {} } });
      const transport =
        wire === 'sse'
          ? new SSEClientTransport(new URL(live.sseUrl))
          : new StreamableHTTPClientTransport(new URL(live.mcpUrl));
      await client.connect(transport);
      t.after(() => client.close());
      const bystander = await connectPeer(t, live, wire);
      const heard: unknown[] = [];
      client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void heard.push(n.params.data));
      let answer: 'accept' | 'decline' = 'accept';
      const questions: string[] = [];
      client.setRequestHandler(ElicitRequestSchema, async (request) => {
        questions.push(request.params.message);
        return answer === 'accept' ? { action: 'accept', content: { confirm: true } } : { action: 'decline' };
      });
      const sent = await client.callTool({ name: 'announce', arguments: { text: 'lunch is ready' } });
      assert.match(textOf(sent), /^Sent to every session \(2 on this instance\)/);
      assert.match(questions[0]!, /lunch is ready/);
      await until(() => bystander.of('notifications/message').length === 1, 'the announcement');
      assert.deepEqual(bystander.of('notifications/message')[0], {
        level: 'notice',
        logger: 'announce',
        data: { text: 'lunch is ready' },
      });
      answer = 'decline';
      const kept = await client.callTool({ name: 'announce', arguments: { text: 'never mind' } });
      assert.equal(textOf(kept), 'Not sent: the user chose decline');
      assert.equal(questions.length, 2);
      assert.deepEqual(heard, [{ text: 'lunch is ready' }], 'nothing more was announced');
    });

    test('a client without the elicitation capability gets a tool error that says why', async (t) => {
      const live = await startLive(t);
      const { client } = await connectPeer(t, live, wire);
      const result = await client.callTool({ name: 'announce', arguments: { text: 'hello' } });
      assert.equal(result.isError, true);
      assert.match(textOf(result), /did not declare the elicitation capability/);
    });
  });
}
