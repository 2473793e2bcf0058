import { encodeBase64 } from './base64.ts';

/** The opening and closing of a header value sent as `=?base64?…?=` (MCP 2026-07-28). */
export const ENCODED_PREFIX = '=?base64?';
export const ENCODED_SUFFIX = '?=';

// What goes as is: visible ASCII with inner spaces, no edge whitespace (RFC 9110 field values).
const PLAIN = /^(?:[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?)?$/;

/** The params field `Mcp-Name` mirrors, by method. */
export const MCP_NAME_FIELD: Readonly<Record<string, string>> = {
  'tools/call': 'name',
  'prompts/get': 'name',
  'resources/read': 'uri',
};

/**
 * The header form of a value a client mirrors: as is when it is visible ASCII with no leading or
 * trailing whitespace, else `=?base64?…?=` of its UTF-8 (also for a value that looks like that form).
 */
export function encodeHeaderValue(value: string): string {
  const looksEncoded = value.startsWith(ENCODED_PREFIX) && value.endsWith(ENCODED_SUFFIX);
  if (PLAIN.test(value) && !looksEncoded) return value;
  return `${ENCODED_PREFIX}${encodeBase64(new TextEncoder().encode(value))}${ENCODED_SUFFIX}`;
}
