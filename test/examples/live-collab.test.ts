// Shared documents, chat and topic subscriptions across sessions of both transports, through the
// official SDK client: who gets which notification, and what is readable afterwards.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { barrier, connectPeer, jsonOf, readJSON, startLive, textOf, until } from './live-harness.ts';

interface Doc {
  doc_id: string;
  version: number;
  content: string;
}

test('edit_document: every session viewing the document hears of each change, others do not', async (t) => {
  const live = await startLive(t);
  const alice = await connectPeer(t, live, 'streamable-http');
  const bob = await connectPeer(t, live, 'sse');
  const carol = await connectPeer(t, live, 'streamable-http');
  const start = await readJSON<Doc>(bob, 'doc://notes'); // bob views notes; carol does not
  assert.deepEqual(start, { doc_id: 'notes', version: 0, content: '', updated_at: null });

  const edited = jsonOf<Doc & { operation: string; by: string }>(
    await alice.client.callTool({
      name: 'edit_document',
      arguments: {
        doc_id: 'notes',
        operation: 'insert',
        data: { base_version: 0, position: 0, text: 'hello' },
      },
    }),
  );
  assert.deepEqual([edited.version, edited.content, edited.operation], [1, 'hello', 'insert']);
  const sessionIds = [...live.server.sessions].map((session) => session.id);
  assert.match(edited.by, /^user-[0-9a-f]{8}$/);
  assert.ok(!sessionIds.some((id) => JSON.stringify(edited).includes(id)), 'no session id is told to others');
  await until(() => bob.of('document_changed').length === 1, 'bob to hear of the edit');
  assert.deepEqual(
    { ...bob.of('document_changed')[0], updated_at: undefined },
    { ...edited, updated_at: undefined, topic: 'documents' },
  );
  await barrier(carol);
  assert.deepEqual(carol.of('document_changed'), [], 'a session that never looked at the document');

  // Alice, as the editor, is now a viewer too: bob's edit reaches her.
  jsonOf(
    await bob.client.callTool({
      name: 'edit_document',
      arguments: {
        doc_id: 'notes',
        operation: 'replace',
        data: { base_version: 1, position: 0, length: 1, text: 'J' },
      },
    }),
  );
  await until(() => alice.of('document_changed').length === 2, 'alice to hear of both edits');
  assert.equal(alice.of('document_changed')[1]?.content, 'Jello');
  assert.deepEqual(await readJSON<Doc>(carol, 'doc://notes'), {
    ...(await readJSON<Doc>(alice, 'doc://notes')),
    version: 2,
    content: 'Jello',
  });
});

test('edit_document merges a stale edit of other text and refuses one of the same text, saying what to do', async (t) => {
  const live = await startLive(t);
  const peer = await connectPeer(t, live);
  const edit = (operation: string, data: Record<string, unknown>) =>
    peer.client.callTool({ name: 'edit_document', arguments: { doc_id: 'race', operation, data } });
  jsonOf(await edit('set', { base_version: 0, text: 'one two three' }));
  jsonOf(await edit('replace', { base_version: 1, position: 0, length: 3, text: 'ONE' }));
  const merged = jsonOf<Doc & { rebased_over: number }>(
    await edit('delete', { base_version: 1, position: 3, length: 4 }),
  );
  assert.deepEqual([merged.content, merged.version, merged.rebased_over], ['ONE three', 3, 1]);

  const refused = await edit('replace', { base_version: 2, position: 4, length: 3, text: 'TWO' });
  assert.equal(refused.isError, true);
  assert.match(textOf(refused), /changed since version 2 \(it is at version 3\)/);
  assert.match(
    textOf(refused),
    /read doc:\/\/race for its text and version, then send the edit again with that base_version/,
  );

  const invalid = await edit('insert', { base_version: 3, text: 'x' });
  assert.equal(invalid.isError, true);
  assert.match(textOf(invalid), /insert.*needs data\.position/);
  const badOperation = await peer.client.callTool({
    name: 'edit_document',
    arguments: { doc_id: 'race', operation: 'append', data: { base_version: 3 } },
  });
  assert.equal(badOperation.isError, true);
  assert.match(textOf(badOperation), /operation/);
});

test('edit_document tells resource subscribers of doc://{doc_id}', async (t) => {
  const live = await startLive(t);
  const editor = await connectPeer(t, live);
  const watcher = await connectPeer(t, live, 'sse');
  await watcher.client.subscribeResource({ uri: 'doc://welcome' });
  const { version } = await readJSON<Doc>(watcher, 'doc://welcome');
  await editor.client.callTool({
    name: 'edit_document',
    arguments: {
      doc_id: 'welcome',
      operation: 'insert',
      data: { base_version: version, position: 0, text: '> ' },
    },
  });
  await until(() => watcher.of('notifications/resources/updated').length > 0, 'resources/updated');
  assert.deepEqual(watcher.of('notifications/resources/updated'), [{ uri: 'doc://welcome' }]);
});

test('send_message reaches every client on the channel, over both transports, with a readable history', async (t) => {
  const live = await startLive(t);
  const alice = await connectPeer(t, live, 'streamable-http');
  const bob = await connectPeer(t, live, 'sse');
  const sent = jsonOf<{ delivered: number; message: Record<string, unknown> }>(
    await alice.client.callTool({ name: 'send_message', arguments: { message: 'hi all', from: 'Alice' } }),
  );
  assert.equal(sent.delivered, 2, 'both sessions are on general');
  assert.deepEqual(
    { ...sent.message, id: 0, at: '' },
    { id: 0, at: '', channel: 'general', from: 'Alice', text: 'hi all' },
  );
  await until(() => bob.of('chat_message').length === 1 && alice.of('chat_message').length === 1, 'delivery');
  assert.deepEqual(bob.of('chat_message')[0], { topic: 'chat', ...sent.message });

  // A channel only its members hear: bob is not on "ops" until he reads it.
  jsonOf(
    await alice.client.callTool({
      name: 'send_message',
      arguments: { message: 'deploying', channel: 'ops' },
    }),
  );
  await barrier(bob);
  assert.equal(bob.of('chat_message').filter((m) => m.channel === 'ops').length, 0);
  const history = await readJSON<{ channel: string; messages: Array<{ text: string; from: string }> }>(
    bob,
    'chat://ops',
  );
  assert.deepEqual(
    history.messages.map((m) => m.text),
    ['deploying'],
  );
  assert.match(history.messages[0]!.from, /^user-[0-9a-f]{8}$/, 'the sender defaults to a public handle');
  jsonOf(
    await alice.client.callTool({ name: 'send_message', arguments: { message: 'done', channel: 'ops' } }),
  );
  await until(() => bob.of('chat_message').some((m) => m.text === 'done'), 'bob, now on ops, to get it');
});

test('subscribe_updates: metrics filtered by field, chat by channel, and unsubscribe', async (t) => {
  const live = await startLive(t, { metricsInterval: 40 });
  const peer = await connectPeer(t, live, 'sse');
  const other = await connectPeer(t, live);
  const subscribed = jsonOf<Record<string, unknown>>(
    await peer.client.callTool({
      name: 'subscribe_updates',
      arguments: { topic: 'metrics', filters: ['cpu', 'load'] },
    }),
  );
  assert.deepEqual(subscribed, {
    topic: 'metrics',
    filters: ['cpu', 'load'],
    notification: 'system_metrics',
    subscriptions: { chat: ['general'], metrics: ['cpu', 'load'] },
  });
  await until(() => peer.of('system_metrics').length >= 2, 'two metric pushes');
  const pushed = peer.of('system_metrics')[0]!;
  assert.deepEqual(Object.keys(pushed).sort(), ['cpu', 'load', 'timestamp', 'topic']);
  await barrier(other);
  assert.equal(other.of('system_metrics').length, 0, 'a session that did not subscribe gets none');

  const chat = jsonOf<{ subscriptions: Record<string, unknown> }>(
    await peer.client.callTool({
      name: 'subscribe_updates',
      arguments: { topic: 'chat', filters: ['random'] },
    }),
  );
  assert.deepEqual(chat.subscriptions.chat, ['random'], 'filters replace the channels');
  await other.client.callTool({ name: 'send_message', arguments: { message: 'on general' } });
  await other.client.callTool({
    name: 'send_message',
    arguments: { message: 'on random', channel: 'random' },
  });
  await until(() => peer.of('chat_message').length === 1, 'the random message');
  assert.equal(peer.of('chat_message')[0]?.text, 'on random');

  const off = jsonOf<{ removed: boolean; subscriptions: Record<string, unknown> }>(
    await peer.client.callTool({ name: 'unsubscribe_updates', arguments: { topic: 'metrics' } }),
  );
  assert.deepEqual([off.removed, off.subscriptions.metrics], [true, undefined]);
});

test('subscribe_updates refuses filters a topic does not have, naming the valid ones', async (t) => {
  const live = await startLive(t);
  const { client } = await connectPeer(t, live);
  const metrics = await client.callTool({
    name: 'subscribe_updates',
    arguments: { topic: 'metrics', filters: ['gpu'] },
  });
  assert.equal(metrics.isError, true);
  assert.match(textOf(metrics), /unknown metric "gpu".*cpu, memory, disk, load/);
  const docs = await client.callTool({
    name: 'subscribe_updates',
    arguments: { topic: 'documents', filters: ['a b'] },
  });
  assert.match(textOf(docs), /document ids/);
  const topic = await client.callTool({ name: 'subscribe_updates', arguments: { topic: 'weather' } });
  assert.equal(topic.isError, true);
  assert.match(textOf(topic), /topic/);
});
