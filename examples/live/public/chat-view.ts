// The Chat card: the history of chat://general, then each chat_message the server pushes.
import type { McpClient } from '../../../src/client/index.ts';
import { detailOf, showProblem } from './banner.ts';
import { $, currentClient, readJSON, resultJSON } from './dom.ts';

const CHANNEL = 'general';

interface ChatMessage {
  id: number;
  from: string;
  text: string;
  at: string;
}

const shown = new Set<number>();

function appendMessage(message: ChatMessage): void {
  if (shown.has(message.id)) return;
  shown.add(message.id);
  const item = document.createElement('li');
  const from = document.createElement('b');
  from.textContent = message.from;
  const time = document.createElement('time');
  time.dateTime = message.at;
  time.textContent = new Date(message.at).toLocaleTimeString();
  const text = document.createElement('span');
  text.textContent = message.text;
  item.append(from, time, text);
  const log = $('chat-log');
  log.append(item);
  log.scrollTop = log.scrollHeight;
}

/** Takes the messages the server pushes; call before asking for them. */
export function hearChat(client: McpClient): void {
  client.onNotification('chat_message', (params) => appendMessage(params as unknown as ChatMessage));
}

export async function loadChat(client: McpClient): Promise<void> {
  const { messages } = await readJSON<{ messages: ChatMessage[] }>(client, `chat://${CHANNEL}`);
  // After a reconnect the server may be a new one, with new message ids: start over from its history.
  shown.clear();
  $('chat-log').replaceChildren();
  for (const message of messages) appendMessage(message);
}

/** Wires the name field and the message form; once per page. */
export function setupChat(): void {
  const nameInput = $<HTMLInputElement>('chat-name');
  nameInput.value =
    localStorage.getItem('mcp-live-name') ?? `guest-${Math.floor(Math.random() * 9000 + 1000)}`;
  nameInput.addEventListener('change', () => localStorage.setItem('mcp-live-name', nameInput.value));
  $('chat-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $<HTMLInputElement>('chat-input');
    const message = input.value.trim();
    const client = currentClient();
    if (client === undefined || message === '') return;
    input.value = '';
    client
      .callTool('send_message', { message, channel: CHANNEL, from: nameInput.value || 'guest' })
      .then(resultJSON)
      .catch((error: unknown) => {
        input.value ||= message;
        showProblem({
          message: 'Your message was not sent; it is back in the input.',
          detail: detailOf(error),
        });
      });
  });
}
