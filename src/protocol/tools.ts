import type { ContentBlock, Icon } from './content.ts';

/** Hints about a tool's behaviour; clients must not trust them from untrusted servers. */
export interface ToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/** A JSON Schema object as it appears on the wire. */
export type JSONSchema = Record<string, unknown>;

/** A tool as `tools/list` describes it. */
export interface Tool {
  name: string;
  title?: string;
  description?: string;
  inputSchema: JSONSchema;
  outputSchema?: JSONSchema;
  annotations?: ToolAnnotations;
  icons?: Icon[];
  _meta?: Record<string, unknown>;
}

export interface CallToolParams {
  name: string;
  arguments?: Record<string, unknown>;
}

/** What a tool call returns. `isError` marks a failure the model should see. */
export interface CallToolResult {
  content: ContentBlock[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
  _meta?: Record<string, unknown>;
  [key: string]: unknown;
}

export const ToolsMethod = {
  List: 'tools/list',
  Call: 'tools/call',
  ListChanged: 'notifications/tools/list_changed',
} as const;
