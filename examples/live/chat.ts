// send_message and chat://{channel}: messages go to every session on the channel, with a short history.
import { json, type McpServer, s } from '../../src/index.ts';
import { publicHandle } from './identity.ts';
import { NAME_PATTERN, type TopicHub } from './topics.ts';

export interface ChatMessage {
  id: number;
  channel: string;
  from: string;
  text: string;
  at: string;
}

/** The last `limit` messages of each channel. */
export class ChatStore {
  readonly #channels = new Map<string, ChatMessage[]>();
  readonly #limit: number;
  #next = 0;

  constructor(limit = 200) {
    this.#limit = limit;
  }

  add(channel: string, from: string, text: string): ChatMessage {
    const message = { id: ++this.#next, channel, from, text, at: new Date().toISOString() };
    const list = this.#channels.get(channel) ?? [];
    list.push(message);
    if (list.length > this.#limit) list.shift();
    this.#channels.set(channel, list);
    return message;
  }

  history(channel: string): readonly ChatMessage[] {
    return this.#channels.get(channel) ?? [];
  }

  channels(): string[] {
    return [...this.#channels.keys()].sort();
  }
}

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
      const sent = chat.add(channel, from ?? publicHandle(ctx.session), message);
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
      list: () =>
        chat.channels().map((c) => ({ uri: chatUri(c), name: `#${c}`, mimeType: 'application/json' })),
      complete: { channel: (prefix) => chat.channels().filter((c) => c.startsWith(prefix)) },
    },
    (_uri, { channel }, ctx) => {
      const name = String(channel);
      if (NAME_PATTERN.test(name)) hub.join(ctx.session, 'chat', name);
      return JSON.stringify({ channel: name, messages: chat.history(name) });
    },
  );
}
