// The client's input-round loop on its own, for the spec's cases a real server rarely shows: a result
// with requestState only (load shedding), one without requestState, and a handler that throws.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runInputRounds } from '../../src/client/input-rounds.ts';
import { ProtocolError } from '../../src/protocol/protocol-error.ts';

type Params = Record<string, unknown> | undefined;

/** A send that answers with `results` in turn and records the params of each round. */
function scripted(results: Array<Record<string, unknown>>) {
  const sent: Params[] = [];
  return {
    sent,
    send: async (params: Params) => {
      sent.push(params);
      const next = results.shift();
      if (next === undefined) throw new Error('sent more rounds than scripted');
      return next;
    },
  };
}

describe('input rounds (client)', () => {
  test('a result with requestState only is retried at once with that state and no inputResponses', async () => {
    const { sent, send } = scripted([
      { resultType: 'input_required', requestState: 'busy-1' },
      { resultType: 'complete', content: [] },
    ]);
    const result = await runInputRounds<{ resultType: string }>({
      method: 'tools/call',
      params: { name: 'slow' },
      send,
      answer: async () => assert.fail('nothing was asked'),
    });
    assert.equal(result.resultType, 'complete');
    assert.deepEqual(sent, [{ name: 'slow' }, { name: 'slow', requestState: 'busy-1' }]);
  });

  test('without requestState the retry carries none; each key gets its own handler answer', async () => {
    const { sent, send } = scripted([
      {
        resultType: 'input_required',
        inputRequests: {
          who: { method: 'elicitation/create', params: { message: 'Who?' } },
          where: { method: 'roots/list' },
        },
      },
      { resultType: 'complete' },
    ]);
    const contexts: string[] = [];
    await runInputRounds({
      method: 'prompts/get',
      params: { name: 'p' },
      send,
      answer: async (method, params, context) => {
        contexts.push(`${String(context.requestId)}:${context.method}`);
        return method === 'roots/list'
          ? { roots: [] }
          : { action: 'accept', content: { asked: params.message } };
      },
    });
    assert.deepEqual(contexts.sort(), ['where:roots/list', 'who:elicitation/create']);
    assert.deepEqual(sent[1], {
      name: 'p',
      inputResponses: { who: { action: 'accept', content: { asked: 'Who?' } }, where: { roots: [] } },
    });
  });

  test("a handler that throws rejects the call with the handler's error and sends no retry", async () => {
    const { sent, send } = scripted([
      {
        resultType: 'input_required',
        inputRequests: { x: { method: 'sampling/createMessage', params: {} } },
      },
    ]);
    const refusal = new ProtocolError(-1, 'the user refused sampling');
    await assert.rejects(
      runInputRounds({ method: 'tools/call', params: {}, send, answer: async () => Promise.reject(refusal) }),
      (error: unknown) => error === refusal,
    );
    assert.equal(sent.length, 1);
  });
});
