import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { McpServer } from '../../src/server/mcp-server.ts';
import { connectTestClient } from '../../src/testing/test-client.ts';
import { rejectsWithCode } from './helpers.ts';

const LANGUAGES = ['typescript', 'python', 'go', 'rust', 'ruby', 'java'];

function promptServer() {
  const server = new McpServer({ name: 'prompts', version: '1' });
  const seen: unknown[] = [];
  server.prompt(
    'code_review',
    {
      title: 'Code review',
      description: 'Review a piece of code',
      arguments: {
        code: { description: 'The code', required: true },
        language: {
          title: 'Language',
          complete: (value) => LANGUAGES.filter((l) => l.startsWith(value)),
        },
      },
    },
    (args) => {
      seen.push(args);
      return `Review this ${args.language ?? 'code'}:\n${args.code}`;
    },
  );
  server.prompt('conversation', {}, () => [
    { role: 'user', content: { type: 'text', text: 'Hi' } },
    { role: 'assistant', content: { type: 'text', text: 'Hello!' } },
  ]);
  server.prompt('whole', { description: 'listed description' }, () => ({
    description: 'own description',
    messages: [{ role: 'user', content: { type: 'text', text: 'x' } }],
  }));
  return { server, seen };
}

describe('prompts', () => {
  test('prompts/list shows each prompt with its arguments', async () => {
    const client = await connectTestClient(promptServer().server);
    assert.deepEqual(await client.request('prompts/list'), {
      prompts: [
        {
          name: 'code_review',
          title: 'Code review',
          description: 'Review a piece of code',
          arguments: [
            { name: 'code', description: 'The code', required: true },
            { name: 'language', title: 'Language' },
          ],
        },
        { name: 'conversation' },
        { name: 'whole', description: 'listed description' },
      ],
    });
    await client.close();
  });

  test('prompts/get hands the arguments to the handler and answers with its messages', async () => {
    const { server, seen } = promptServer();
    const client = await connectTestClient(server);
    assert.deepEqual(
      await client.request('prompts/get', {
        name: 'code_review',
        arguments: { code: 'x = 1', language: 'python' },
      }),
      {
        description: 'Review a piece of code',
        messages: [{ role: 'user', content: { type: 'text', text: 'Review this python:\nx = 1' } }],
      },
    );
    assert.deepEqual(await client.request('prompts/get', { name: 'conversation' }), {
      messages: [
        { role: 'user', content: { type: 'text', text: 'Hi' } },
        { role: 'assistant', content: { type: 'text', text: 'Hello!' } },
      ],
    });
    assert.equal(
      ((await client.request('prompts/get', { name: 'whole' })) as { description: string }).description,
      'own description',
    );
    assert.deepEqual(seen, [{ code: 'x = 1', language: 'python' }]);
    await client.close();
  });

  test('a missing required argument is -32602 naming it; the handler is not called', async () => {
    const { server, seen } = promptServer();
    const client = await connectTestClient(server);
    await rejectsWithCode(
      client.request('prompts/get', { name: 'code_review', arguments: { language: 'go' } }),
      -32602,
      /Prompt "code_review"/,
      /"code"/,
    );
    await rejectsWithCode(client.request('prompts/get', { name: 'code_review' }), -32602, /"code"/);
    assert.deepEqual(seen, []);
    await client.close();
  });

  test('an argument that is not a string is -32602 naming it', async () => {
    const client = await connectTestClient(promptServer().server);
    await rejectsWithCode(
      client.request('prompts/get', { name: 'code_review', arguments: { code: 42 } }),
      -32602,
      /"code" must be a string/,
    );
    await client.close();
  });

  test('an unknown prompt is -32602 naming it', async () => {
    const client = await connectTestClient(promptServer().server);
    await rejectsWithCode(client.request('prompts/get', { name: 'nope' }), -32602, /Unknown prompt "nope"/);
    await client.close();
  });
});

describe('completion/complete', () => {
  test('completes a prompt argument with the completer the prompt declared', async () => {
    const client = await connectTestClient(promptServer().server);
    assert.deepEqual(
      await client.request('completion/complete', {
        ref: { type: 'ref/prompt', name: 'code_review' },
        argument: { name: 'language', value: 'r' },
      }),
      { completion: { values: ['rust', 'ruby'], total: 2, hasMore: false } },
    );
    await client.close();
  });

  test('an argument without a completer completes to nothing', async () => {
    const client = await connectTestClient(promptServer().server);
    assert.deepEqual(
      await client.request('completion/complete', {
        ref: { type: 'ref/prompt', name: 'code_review' },
        argument: { name: 'code', value: 'x' },
      }),
      { completion: { values: [], total: 0, hasMore: false } },
    );
    await client.close();
  });

  test('completes a template variable, seeing the arguments already chosen', async () => {
    const server = new McpServer({ name: 'repos', version: '1' });
    const repos: Record<string, string[]> = { ada: ['engine', 'notes'], alan: ['machine'] };
    server.resourceTemplate(
      'github://{owner}/{repo}',
      {
        name: 'Repository',
        complete: {
          owner: (value) => Object.keys(repos).filter((o) => o.startsWith(value)),
          repo: (value, { arguments: known }) =>
            (repos[known.owner ?? ''] ?? []).filter((r) => r.startsWith(value)),
        },
      },
      (uri) => uri,
    );
    const client = await connectTestClient(server);
    const complete = (argument: { name: string; value: string }, context?: Record<string, string>) =>
      client.request('completion/complete', {
        ref: { type: 'ref/resource', uri: 'github://{owner}/{repo}' },
        argument,
        ...(context === undefined ? {} : { context: { arguments: context } }),
      });
    assert.deepEqual(await complete({ name: 'owner', value: 'a' }), {
      completion: { values: ['ada', 'alan'], total: 2, hasMore: false },
    });
    assert.deepEqual(await complete({ name: 'repo', value: '' }, { owner: 'ada' }), {
      completion: { values: ['engine', 'notes'], total: 2, hasMore: false },
    });
    await client.close();
  });

  test('caps the answer at 100 values and reports the total and hasMore', async () => {
    const server = new McpServer({ name: 'many', version: '1' });
    const numbers = Array.from({ length: 250 }, (_, i) => `n${i}`);
    server.prompt('pick', { arguments: { n: { complete: () => numbers } } }, (args) => args.n ?? '');
    const client = await connectTestClient(server);
    const { completion } = (await client.request('completion/complete', {
      ref: { type: 'ref/prompt', name: 'pick' },
      argument: { name: 'n', value: '' },
    })) as { completion: { values: string[]; total: number; hasMore: boolean } };
    assert.equal(completion.values.length, 100);
    assert.deepEqual(completion.values, numbers.slice(0, 100));
    assert.equal(completion.total, 250);
    assert.equal(completion.hasMore, true);
    await client.close();
  });

  test('an unknown prompt or template in the ref is -32602 naming it; a bad ref says what is expected', async () => {
    const client = await connectTestClient(promptServer().server);
    await rejectsWithCode(
      client.request('completion/complete', {
        ref: { type: 'ref/prompt', name: 'ghost' },
        argument: { name: 'a', value: '' },
      }),
      -32602,
      /Unknown prompt "ghost"/,
    );
    await rejectsWithCode(
      client.request('completion/complete', {
        ref: { type: 'ref/resource', uri: 'ghost://{x}' },
        argument: { name: 'x', value: '' },
      }),
      -32602,
      /ghost:\/\/\{x\}/,
    );
    await rejectsWithCode(
      client.request('completion/complete', {
        ref: { type: 'ref/tool' },
        argument: { name: 'x', value: '' },
      }),
      -32602,
      /ref\/prompt/,
      /ref\/resource/,
    );
    await client.close();
  });
});
