// announce: a tool that asks its user to confirm before it acts. Over a 2025 session the question is
// an elicitation/create request to the client; for a 2026-07-28 client it is an input round, and
// the retry that carries the answer may land on any instance of a deployment (they share their
// requestState keys: MCP_LIVE_REQUEST_STATE_KEYS).
import { type McpServer, s, toolError } from '../../src/index.ts';

const CONFIRM = {
  type: 'object',
  properties: { confirm: { type: 'boolean', title: 'Send it to everyone', default: true } },
  required: ['confirm'],
} as const;

export function registerAnnounce(server: McpServer): void {
  server.tool(
    'announce',
    {
      description:
        'Send an announcement to every connected client (a notifications/message at level notice), ' +
        'once the user has confirmed it: the server asks through elicitation.',
      input: { text: s.string().minLength(1).maxLength(500).required().describe('What to announce') },
    },
    async ({ text }, ctx) => {
      if (ctx.clientCapabilities.elicitation === undefined) {
        return toolError(
          'announce asks the user to confirm, and this client cannot be asked: it did not declare the elicitation capability',
        );
      }
      const answer = await ctx.elicit({
        message: `Send this announcement to every connected client?\n\n${text}`,
        requestedSchema: CONFIRM,
      });
      if (answer.action !== 'accept' || answer.content?.confirm !== true) {
        return `Not sent: the user ${answer.action === 'accept' ? 'did not confirm it' : `chose ${answer.action}`}`;
      }
      const here = await server.broadcast('notifications/message', {
        level: 'notice',
        logger: 'announce',
        data: { text },
      });
      return `Sent to every session (${here} on this instance)`;
    },
  );
}
