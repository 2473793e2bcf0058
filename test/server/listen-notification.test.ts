import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ListenNotification } from '../../src/server/listen-notification.ts';

const SUBSCRIPTION_ID = 'io.modelcontextprotocol/subscriptionId';

test("each stream's JSON is the JSON of its own message, for string and number ids", () => {
  const shared = new ListenNotification('notifications/resources/updated', {
    uri: 'file:///a "quoted" \u2028 path',
    _meta: { 'dev.example/origin': 'build', [SUBSCRIPTION_ID]: 'overwritten' },
  });
  for (const id of ['listen-1', 7, 'with "quotes" and \\ slashes', '']) {
    const message = shared.message(id);
    assert.deepEqual(message.params?._meta, { 'dev.example/origin': 'build', [SUBSCRIPTION_ID]: id });
    assert.equal(shared.json(id), JSON.stringify(message), String(id));
  }
});

test('params without _meta get one holding only the subscription id; the shared params are not changed', () => {
  const params = { uri: 'file:///b' };
  const shared = new ListenNotification('notifications/resources/updated', params);
  assert.deepEqual(JSON.parse(shared.json('s-1')!), {
    jsonrpc: '2.0',
    method: 'notifications/resources/updated',
    params: { uri: 'file:///b', _meta: { [SUBSCRIPTION_ID]: 's-1' } },
  });
  assert.deepEqual(params, { uri: 'file:///b' });
});

test('params JSON refuses, or that spell the placeholder, are left to the channel to encode', () => {
  const refused = new ListenNotification('x/y', { n: 1n });
  assert.equal(refused.json('a'), undefined);
  const spelled = new ListenNotification('x/y', { text: '\u0000mcp-live:subscription-id\u0000' });
  assert.equal(spelled.json('a'), undefined);
  assert.deepEqual(spelled.message('a').params, {
    text: '\u0000mcp-live:subscription-id\u0000',
    _meta: { [SUBSCRIPTION_ID]: 'a' },
  });
});
