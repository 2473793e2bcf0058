// The bench's `echo` tool, as mcp-live's target and `bench:async` register it.

/** The arguments of the bench's text tools: one required string. */
export const MESSAGE_INPUT = {
  type: 'object',
  properties: { message: { type: 'string' } },
  required: ['message'],
} as const;

/** Answers a call with its message as text. */
export const echo = ({ message }: { message?: unknown }) => ({
  content: [{ type: 'text' as const, text: String(message) }],
});
