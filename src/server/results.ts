import type {
  Annotations,
  AudioContent,
  EmbeddedResource,
  ImageContent,
  ResourceContents,
  ResourceLink,
  TextContent,
} from '../protocol/content.ts';
import type { CallToolResult } from '../protocol/tools.ts';

/** A tool result with one text block. */
export function text(value: string): CallToolResult {
  return { content: [{ type: 'text', text: value }] };
}

/**
 * A tool result carrying `value` as JSON text and, when it is an object, as `structuredContent`
 * (what a tool with an `outputSchema` must return).
 */
export function json(value: unknown): CallToolResult {
  const result: CallToolResult = { content: [{ type: 'text', text: JSON.stringify(value) }] };
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    result.structuredContent = value as Record<string, unknown>;
  }
  return result;
}

/** A tool result that reports a failure to the model (`isError: true`). */
export function toolError(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/** Base64 without `Buffer`, so the core runs on any runtime with `btoa`. */
function toBase64(data: string | Uint8Array): string {
  if (typeof data === 'string') return data;
  let binary = '';
  for (let i = 0; i < data.length; i += 0x8000) {
    binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** An image block; `data` is base64 text or raw bytes. */
export function image(data: string | Uint8Array, mimeType: string, annotations?: Annotations): ImageContent {
  const block: ImageContent = { type: 'image', data: toBase64(data), mimeType };
  if (annotations !== undefined) block.annotations = annotations;
  return block;
}

/** An audio block; `data` is base64 text or raw bytes. */
export function audio(data: string | Uint8Array, mimeType: string, annotations?: Annotations): AudioContent {
  const block: AudioContent = { type: 'audio', data: toBase64(data), mimeType };
  if (annotations !== undefined) block.annotations = annotations;
  return block;
}

/** A text block. */
export function textBlock(value: string, annotations?: Annotations): TextContent {
  return annotations === undefined
    ? { type: 'text', text: value }
    : { type: 'text', text: value, annotations };
}

/** A link to a resource the client may read. */
export function resourceLink(
  uri: string,
  name: string,
  extra: Omit<ResourceLink, 'type' | 'uri' | 'name'> = {},
): ResourceLink {
  return { type: 'resource_link', uri, name, ...extra };
}

/** A resource's contents inlined in a result. */
export function embeddedResource(resource: ResourceContents, annotations?: Annotations): EmbeddedResource {
  return annotations === undefined
    ? { type: 'resource', resource }
    : { type: 'resource', resource, annotations };
}

/** Text contents of a resource, as a resource handler returns them. */
export function textResource(uri: string, value: string, mimeType?: string): ResourceContents {
  return mimeType === undefined ? { uri, text: value } : { uri, mimeType, text: value };
}

/** Binary contents of a resource. */
export function blobResource(uri: string, data: string | Uint8Array, mimeType?: string): ResourceContents {
  const blob = toBase64(data);
  return mimeType === undefined ? { uri, blob } : { uri, mimeType, blob };
}
