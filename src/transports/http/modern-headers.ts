import { decodeBase64 } from '../../protocol/base64.ts';
import { ENCODED_PREFIX, ENCODED_SUFFIX, MCP_NAME_FIELD } from '../../protocol/header-values.ts';
import { formatPath } from '../../schema/issues.ts';
import { type McpParamHeader, readHeaderParamValue } from '../../server/mcp-header-params.ts';

/** JSON-RPC error code `HeaderMismatch` (MCP 2026-07-28): headers missing, malformed or not matching the body. */
export const HEADER_MISMATCH = -32020;

/** Reads one request header by name, ignoring case (a Fetch `Headers` fits); `null` when absent. */
export interface HeaderReader {
  get(name: string): string | null;
}

/** The parts of a JSON-RPC request body that headers mirror. */
export interface MirroredRequest {
  readonly method: string;
  readonly params?: Readonly<Record<string, unknown>> | undefined;
}

/** Why a modern POST's headers were refused: answer with `status` and a JSON-RPC error response carrying `error`. */
export interface HeaderProblem {
  /** The HTTP status to answer with. */
  readonly status: 400;
  /** The header at fault, e.g. `'Mcp-Name'` or `'Mcp-Param-Region'`. */
  readonly header: string;
  /** The JSON-RPC error object to send, with the request's id. */
  readonly error: { readonly code: typeof HEADER_MISMATCH; readonly message: string };
}

const VERSION_KEY = 'io.modelcontextprotocol/protocolVersion';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DECIMAL = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
// Field values are visible ASCII, space and tab (RFC 9110 §5.5).
const NOT_FIELD_VALUE = /[^\t\x20-\x7e]/;

type Read = { ok: true; value: string } | { ok: false; why: string };

/**
 * Checks a 2026-07-28 Streamable HTTP POST's request-metadata headers against its JSON-RPC request,
 * in this order: `MCP-Protocol-Version` equals `params._meta["io.modelcontextprotocol/protocolVersion"]`;
 * `Mcp-Method` equals `method`; for `tools/call` and `prompts/get` `Mcp-Name` equals `params.name`,
 * for `resources/read` `params.uri`; then, for `tools/call`, each of the tool's `paramHeaders` (see
 * `collectHeaderParams`). Leading and trailing spaces and tabs around a value are ignored; `Mcp-Name`
 * and `Mcp-Param-*` values may be `=?base64?…?=` encoded. Returns the first problem, or `undefined`.
 * It does not judge whether the protocol version is supported, and a notification POST has no header
 * rules in this revision, so call it for requests only.
 *
 * @example
 * // headerParams: collectHeaderParams(tool.inputSchema, tool.name), computed once when the tool is registered
 * const problem = validateModernHeaders(request.headers, body, headerParams);
 * if (problem) return Response.json({ jsonrpc: '2.0', id: body.id, error: problem.error }, { status: problem.status });
 */
export function validateModernHeaders(
  headers: HeaderReader,
  request: MirroredRequest,
  paramHeaders: readonly McpParamHeader[] = [],
): HeaderProblem | undefined {
  const meta = request.params?._meta;
  const version = isRecord(meta) ? meta[VERSION_KEY] : undefined;
  const problem =
    checkStandard(headers, 'MCP-Protocol-Version', version, `params._meta["${VERSION_KEY}"]`, false) ??
    checkStandard(headers, 'Mcp-Method', request.method, 'method', false);
  if (problem !== undefined) return problem;
  const nameField = MCP_NAME_FIELD[request.method];
  if (nameField !== undefined) {
    const name = checkStandard(headers, 'Mcp-Name', request.params?.[nameField], `params.${nameField}`, true);
    if (name !== undefined) return name;
  }
  if (request.method !== 'tools/call') return undefined;
  const args = request.params?.arguments;
  for (const param of paramHeaders) {
    const found = checkParam(headers, param, readHeaderParamValue(args, param.path));
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * A header value as its sender meant it: surrounding spaces and tabs dropped and a `=?base64?…?=`
 * value decoded as UTF-8. `undefined` when the value holds a character a header may not (outside
 * visible ASCII, space and tab) or the Base64 or its UTF-8 is malformed.
 */
export function decodeHeaderValue(value: string): string | undefined {
  const read = readValue(trimOWS(value), true);
  return read.ok ? read.value : undefined;
}

function checkStandard(
  headers: HeaderReader,
  header: string,
  body: unknown,
  field: string,
  encoded: boolean,
): HeaderProblem | undefined {
  const raw = headers.get(header);
  if (raw === null) {
    const mirrored = typeof body === 'string' ? ` (${show(body)})` : '';
    return mismatch(
      header,
      `the ${header} header is missing; send it with the value of the body's ${field}${mirrored}`,
    );
  }
  const value = trimOWS(raw);
  const read = readValue(value, encoded);
  if (!read.ok) return mismatch(header, `${header} header value ${show(value)} ${read.why}`);
  if (read.value === body) return undefined;
  return mismatch(
    header,
    `${header} header value ${shown(value, read.value)} does not match ${bodyValue(body, field)}`,
  );
}

function checkParam(headers: HeaderReader, param: McpParamHeader, body: unknown): HeaderProblem | undefined {
  const header = `Mcp-Param-${param.name}`;
  const field = `params.arguments.${formatPath(param.path)}`;
  const raw = headers.get(header);
  const present = body !== undefined && body !== null;
  if (raw === null) {
    if (!present) return undefined;
    return mismatch(
      header,
      `the ${header} header is missing but the body has ${field} = ${show(body)}; a tools/call must mirror it ` +
        `into ${header} (call tools/list to see the tool's x-mcp-header parameters)`,
    );
  }
  const value = trimOWS(raw);
  const read = readValue(value, true);
  if (!read.ok) return mismatch(header, `${header} header value ${show(value)} ${read.why}`);
  if (!present) {
    return mismatch(
      header,
      `${header} header value ${shown(value, read.value)} has no counterpart: ${field} is ` +
        `${body === null ? 'null' : 'absent'} in the body; omit the header when the argument is absent or null`,
    );
  }
  if (matches(read.value, body)) return undefined;
  return mismatch(
    header,
    `${header} header value ${shown(value, read.value)} does not match ${bodyValue(body, field)}`,
  );
}

// By the body value's own type: a string exactly, a number numerically (`42.0` equals 42), a boolean as true/false.
function matches(header: string, body: unknown): boolean {
  if (typeof body === 'string') return header === body;
  if (typeof body === 'number') return DECIMAL.test(header) && Number(header) === body;
  if (typeof body === 'boolean') return header === String(body);
  return false;
}

function readValue(value: string, encoded: boolean): Read {
  const bad = NOT_FIELD_VALUE.exec(value);
  if (bad !== null) {
    return {
      ok: false,
      why: `holds ${codePoint(bad[0])} at index ${bad.index}, which a header value may not (only visible ASCII, space and tab); send such values as =?base64?…?=`,
    };
  }
  if (
    !encoded ||
    value.length < ENCODED_PREFIX.length + ENCODED_SUFFIX.length ||
    !value.startsWith(ENCODED_PREFIX) ||
    !value.endsWith(ENCODED_SUFFIX)
  ) {
    return { ok: true, value };
  }
  const base64 = value.slice(ENCODED_PREFIX.length, -ENCODED_SUFFIX.length);
  const bytes = BASE64.test(base64) ? decodeBase64(base64) : undefined;
  if (bytes === undefined) {
    return {
      ok: false,
      why: 'is not valid Base64 between =?base64? and ?= (standard alphabet A-Z a-z 0-9 + /, padded with = to a multiple of 4)',
    };
  }
  try {
    return { ok: true, value: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    return {
      ok: false,
      why: 'decodes from Base64 to bytes that are not UTF-8; encode the UTF-8 bytes of the value',
    };
  }
}

function mismatch(header: string, detail: string): HeaderProblem {
  return { status: 400, header, error: { code: HEADER_MISMATCH, message: `Header mismatch: ${detail}` } };
}

function bodyValue(body: unknown, field: string): string {
  return body === undefined ? `the body, which has no ${field}` : `body value ${show(body)} (${field})`;
}

function shown(raw: string, decoded: string): string {
  return raw === decoded ? show(raw) : `${show(raw)} (decoded ${show(decoded)})`;
}

const LIMIT = 200;

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > LIMIT ? `${text.slice(0, LIMIT)}…` : text;
}

function trimOWS(value: string): string {
  // Most values have nothing to trim (Node trims the ends of a header line): no regex for them.
  if (value === '' || (!isOWS(value.charCodeAt(0)) && !isOWS(value.charCodeAt(value.length - 1)))) {
    return value;
  }
  return value.replace(/^[ \t]+|[ \t]+$/g, '');
}

/** A space or a tab. */
function isOWS(code: number): boolean {
  return code === 32 || code === 9;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}
