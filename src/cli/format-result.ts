import type { ContentBlock, ResourceContents } from '../protocol/content.ts';
import type { ReadResourceResult } from '../protocol/resources.ts';
import type { CallToolResult } from '../protocol/tools.ts';

/** Pretty JSON for machine output and structured content. */
export function formatJSON(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function withNewline(text: string): string {
  return text.endsWith('\n') || text === '' ? text : `${text}\n`;
}

/** Text that is a JSON object or array, pretty-printed; other text as it is. */
function prettyText(text: string): string {
  const trimmed = text.trim();
  if (!/^[[{]/.test(trimmed)) return withNewline(text);
  try {
    return formatJSON(JSON.parse(trimmed));
  } catch {
    return withNewline(text);
  }
}

function byteLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((base64.length * 3) / 4) - padding);
}

function describeContents(contents: ResourceContents): string {
  // JSON is pretty-printed, as `call` prints it; other text as it is.
  if ('text' in contents) {
    const json = contents.mimeType === 'application/json' || (contents.mimeType?.endsWith('+json') ?? false);
    return json ? prettyText(contents.text) : withNewline(contents.text);
  }
  const type = contents.mimeType ?? 'binary';
  return `[${type}, ${byteLength(contents.blob)} bytes: ${contents.uri}]\n`;
}

/** One content block as text: text as is (JSON pretty), other kinds as a one-line summary. */
export function formatContentBlock(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
      return prettyText(block.text);
    case 'image':
    case 'audio':
      return `[${block.type} ${block.mimeType}, ${byteLength(block.data)} bytes]\n`;
    case 'resource_link':
      return `[link: ${block.name} ${block.uri}${block.mimeType ? ` (${block.mimeType})` : ''}]\n`;
    case 'resource':
      return describeContents(block.resource);
    default:
      return formatJSON(block);
  }
}

function sameJSON(text: string, value: unknown): boolean {
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(value);
  } catch {
    return false;
  }
}

/**
 * A tool result as `mcp-live call` prints it: every block, then `structuredContent` as pretty JSON
 * (the text block that only repeats it as JSON, as servers are told to send, is left out).
 */
export function formatToolResult(result: CallToolResult): string {
  const structured = result.structuredContent;
  const blocks = (result.content ?? []).filter(
    (block) => structured === undefined || block.type !== 'text' || !sameJSON(block.text, structured),
  );
  const parts = blocks.map(formatContentBlock);
  if (structured !== undefined) parts.push(formatJSON(structured));
  return parts.join('');
}

/** The text of a failed call (`isError`), for stderr. */
export function formatToolError(result: CallToolResult): string {
  const text = (result.content ?? [])
    .map((block) => (block.type === 'text' ? block.text : formatContentBlock(block)).trim())
    .filter((line) => line !== '')
    .join('\n');
  return text === '' ? 'the tool reported an error without a message' : text;
}

/** What `mcp-live read` prints: a single resource as it is; several, each under a `==> uri <==` header. */
export function formatResource(result: ReadResourceResult): string {
  const contents = result.contents ?? [];
  if (contents.length === 0) return '';
  if (contents.length === 1) return describeContents(contents[0]!);
  return contents
    .map(
      (item) => `==> ${item.uri}${item.mimeType ? ` (${item.mimeType})` : ''} <==\n${describeContents(item)}`,
    )
    .join('\n');
}

/** The bytes of a resource that is a single blob, for writing to a file or pipe. */
export function singleBlob(result: ReadResourceResult): Uint8Array | undefined {
  const [only, ...rest] = result.contents ?? [];
  if (only === undefined || rest.length > 0 || !('blob' in only)) return undefined;
  return Buffer.from(only.blob, 'base64');
}
