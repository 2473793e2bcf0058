// send_message and chat://{channel}: messages go to every session on the channel, with a short history.
import { json, type McpServer, s } from '../../src/index.ts';
import type { ChatStore } from './chat-store.ts';
import { publicHandle } from './identity.ts';
import { NAME_PATTERN, type TopicHub } from './topics.ts';

const chatUri = (channel: string) => `chat://${channel}`;

export function registerChat(server: McpServer, hub: TopicHub, chat: ChatStore): void {
  server.tool(
    'send_message',
    {
      description:
        'Send a message to every client on a channel (each session is on "general"; sending to or reading ' +
        'a channel joins it). Clients get a chat_message notification; chat://{channel} holds the history.',
      input: {
        message: s.string().minLength(1).maxLength(2000).required(),
        channel: s.string().pattern(NAME_PATTERN).default('general'),
        from: s
          .string()
          .minLength(1)
          .maxLength(40)
          .describe("Display name; the session's public handle (user-…) when omitted"),
      },
    },
    async ({ message, channel, from }, ctx) => {
      hub.join(ctx.session, 'chat', channel);
      const sent = await chat.add(channel, from ?? publicHandle(ctx.session), message);
      const delivered = await hub.publish('chat', channel, { ...sent });
      void server.resourceUpdated(chatUri(channel));
      return json({ delivered, message: sent });
    },
  );

  server.resourceTemplate(
    'chat://{channel}',
    {
      name: 'Chat channel',
      description: 'The recent messages of a chat channel. Reading it joins the channel.',
      mimeType: 'application/json',
      list: async () =>
        (await chat.channels()).map((c) => ({
          uri: chatUri(c),
          name: `#${c}`,
          mimeType: 'application/json',
        })),
      complete: { channel: async (prefix) => (await chat.channels()).filter((c) => c.startsWith(prefix)) },
    },
    async (_uri, { channel }, ctx) => {
      const name = String(channel);
      if (NAME_PATTERN.test(name)) hub.join(ctx.session, 'chat', name);
      return JSON.stringify({ channel: name, messages: await chat.history(name) });
    },
  );
}
