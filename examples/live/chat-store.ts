// Where chat messages live: the last messages of each channel, in this process by default or in Redis
// (redis-storage.ts) so that every instance shows the same history with the same message ids.

export interface ChatMessage {
  id: number;
  channel: string;
  from: string;
  text: string;
  at: string;
}

/** Keeps the recent messages of each channel; `append` gives the message its id. */
export interface ChatStorage {
  append(channel: string, message: Omit<ChatMessage, 'id'>, limit: number): Promise<ChatMessage>;
  /** Oldest first. */
  history(channel: string): Promise<ChatMessage[]>;
  channels(): Promise<string[]>;
}

/** Messages in this process; ids count per channel from 1. */
export class MemoryChatStorage implements ChatStorage {
  readonly #channels = new Map<string, { next: number; messages: ChatMessage[] }>();

  async append(channel: string, message: Omit<ChatMessage, 'id'>, limit: number): Promise<ChatMessage> {
    const entry = this.#channels.get(channel) ?? { next: 0, messages: [] };
    const stored = { id: ++entry.next, ...message };
    entry.messages.push(stored);
    if (entry.messages.length > limit) entry.messages.shift();
    this.#channels.set(channel, entry);
    return stored;
  }

  async history(channel: string): Promise<ChatMessage[]> {
    return [...(this.#channels.get(channel)?.messages ?? [])];
  }

  async channels(): Promise<string[]> {
    return [...this.#channels.keys()].sort();
  }
}

/** The last `limit` messages of each channel. */
export class ChatStore {
  readonly #storage: ChatStorage;
  readonly #limit: number;

  constructor(options: { limit?: number; storage?: ChatStorage } = {}) {
    this.#limit = options.limit ?? 200;
    this.#storage = options.storage ?? new MemoryChatStorage();
  }

  add(channel: string, from: string, text: string): Promise<ChatMessage> {
    return this.#storage.append(channel, { channel, from, text, at: new Date().toISOString() }, this.#limit);
  }

  history(channel: string): Promise<ChatMessage[]> {
    return this.#storage.history(channel);
  }

  channels(): Promise<string[]> {
    return this.#storage.channels();
  }
}
