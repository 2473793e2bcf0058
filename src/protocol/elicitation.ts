import type { JSONSchema } from './tools.ts';

/** A form elicitation: the client asks its user for values that fit a flat schema. */
export interface ElicitFormParams {
  mode?: 'form';
  message: string;
  requestedSchema: JSONSchema;
  [key: string]: unknown;
}

/** A URL elicitation (2025-11-25): the client sends its user to a page. */
export interface ElicitURLParams {
  mode: 'url';
  message: string;
  url: string;
  elicitationId: string;
  [key: string]: unknown;
}

export type ElicitParams = ElicitFormParams | ElicitURLParams;

export interface ElicitResult {
  action: 'accept' | 'decline' | 'cancel';
  content?: Record<string, string | number | boolean | string[]>;
  [key: string]: unknown;
}

export const ElicitationMethod = { Create: 'elicitation/create' } as const;
