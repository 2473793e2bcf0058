import { parseArgs } from 'node:util';
import type { ClientProtocol, ClientTransportKind } from '../client/client-options.ts';
import { CLIError } from './cli-error.ts';
import { COMMANDS, type CommandName } from './usage.ts';

/** The options every command takes. */
export interface GlobalOptions {
  headers: Array<[name: string, value: string]>;
  /**
   * `--protocol`, when given: which revision to speak (`auto` tries 2026-07-28, then a 2025 session,
   * then HTTP+SSE). Without it the CLI opens a 2025 session, as `--transport` says.
   */
  protocol: ClientProtocol | undefined;
  /** `--transport`: the wire of a 2025 session (`auto`: Streamable HTTP, then HTTP+SSE). */
  transport: ClientTransportKind;
  /** Seconds to wait for each answer; 0 waits forever. */
  timeout: number;
  json: boolean;
  quiet: boolean;
}

/** What the command line asks for. */
export type Command =
  | { name: 'help'; topic?: CommandName }
  | { name: 'version' }
  | { name: 'tools'; url: string; options: GlobalOptions }
  | { name: 'call'; url: string; tool: string; args: string[]; options: GlobalOptions }
  | { name: 'read'; url: string; uri: string; options: GlobalOptions }
  | { name: 'listen'; url: string; subscribe: string[]; events: string[]; options: GlobalOptions };

const TRANSPORTS: readonly ClientTransportKind[] = ['auto', 'streamable-http', 'sse'];
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function usage(message: string, topic?: CommandName): CLIError {
  const help = topic === undefined ? 'mcp-live --help' : `mcp-live ${topic} --help`;
  return new CLIError('USAGE', `${message}\nRun "${help}" for usage.`);
}

function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(':');
  const name = colon < 0 ? '' : text.slice(0, colon).trim();
  if (!TOKEN.test(name)) {
    throw usage(
      `--header ${JSON.stringify(text)} is not "Name: value", e.g. 'Authorization: Bearer <token>'`,
    );
  }
  return [name, text.slice(colon + 1).trim()];
}

function parseURL(text: string | undefined, topic: CommandName): string {
  if (text === undefined) throw usage(`mcp-live ${topic} needs the server's URL`, topic);
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {}
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw usage(
      `${JSON.stringify(text)} is not an http(s) URL; write it as http://${text.replace(/^\w+:\/\//, '')}`,
      topic,
    );
  }
  return url.href;
}

function parseTimeout(text: string | undefined): number {
  if (text === undefined) return 60;
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw usage(`--timeout takes a number of seconds (0 waits forever); got ${JSON.stringify(text)}`);
  }
  return seconds;
}

const PROTOCOLS: Record<string, ClientProtocol> = {
  auto: 'auto',
  '2026': '2026-07-28',
  '2026-07-28': '2026-07-28',
  '2025': '2025',
  sse: 'sse',
};

function parseProtocol(text: string | undefined): ClientProtocol | undefined {
  if (text === undefined) return undefined;
  const protocol = PROTOCOLS[text];
  if (protocol === undefined) {
    throw usage(`--protocol must be one of 2026, 2025, sse or auto; got ${JSON.stringify(text)}`);
  }
  return protocol;
}

function parseTransport(text: string | undefined): ClientTransportKind {
  if (text === undefined) return 'auto';
  if (!(TRANSPORTS as readonly string[]).includes(text)) {
    throw usage(`--transport must be one of ${TRANSPORTS.join(', ')}; got ${JSON.stringify(text)}`);
  }
  return text as ClientTransportKind;
}

function isCommand(name: string | undefined): name is CommandName {
  return (COMMANDS as readonly string[]).includes(name ?? '');
}

function noMore(rest: readonly string[], topic: CommandName): void {
  if (rest.length > 0)
    throw usage(`mcp-live ${topic}: unexpected argument ${JSON.stringify(rest[0])}`, topic);
}

function read(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        header: { type: 'string', short: 'H', multiple: true },
        transport: { type: 'string', short: 't' },
        protocol: { type: 'string', short: 'p' },
        timeout: { type: 'string' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        subscribe: { type: 'string', multiple: true },
        event: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw usage((error as Error).message);
  }
}

/** Reads the command line (without `node` and the script); throws a `USAGE` error when it is wrong. */
export function parseCommandLine(argv: readonly string[]): Command {
  const { values, positionals } = read(argv);
  const [first, ...rest] = positionals;
  if (values.version) return { name: 'version' };
  if (first === 'help') return isCommand(rest[0]) ? { name: 'help', topic: rest[0] } : { name: 'help' };
  if (values.help) return isCommand(first) ? { name: 'help', topic: first } : { name: 'help' };
  if (first === undefined) throw usage('mcp-live needs a command: tools, call, read or listen');
  if (!isCommand(first)) {
    throw usage(`Unknown command ${JSON.stringify(first)}; the commands are ${COMMANDS.join(', ')}`);
  }
  if (values.subscribe !== undefined && first !== 'listen') {
    throw usage('--subscribe only applies to mcp-live listen', first);
  }
  if (values.event !== undefined && first !== 'listen') {
    throw usage('--event only applies to mcp-live listen', first);
  }
  if (values.protocol !== undefined && values.transport !== undefined) {
    throw usage('Give --protocol or the older --transport, not both', first);
  }
  const options: GlobalOptions = {
    headers: (values.header ?? []).map(parseHeader),
    protocol: parseProtocol(values.protocol),
    transport: parseTransport(values.transport),
    timeout: parseTimeout(values.timeout),
    json: values.json ?? false,
    quiet: values.quiet ?? false,
  };
  const [url, ...more] = rest;
  const href = parseURL(url, first);
  switch (first) {
    case 'tools':
      noMore(more, first);
      return { name: 'tools', url: href, options };
    case 'call': {
      const [tool, ...args] = more;
      if (tool === undefined) throw usage('mcp-live call needs the name of the tool to call', first);
      return { name: 'call', url: href, tool, args, options };
    }
    case 'read': {
      const [uri, ...extra] = more;
      if (uri === undefined) throw usage('mcp-live read needs the URI of the resource to read', first);
      noMore(extra, first);
      return { name: 'read', url: href, uri, options };
    }
    case 'listen':
      noMore(more, first);
      return {
        name: 'listen',
        url: href,
        subscribe: values.subscribe ?? [],
        events: values.event ?? [],
        options,
      };
  }
}
