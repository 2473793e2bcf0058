/** The commands of `mcp-live`. */
export type CommandName = 'tools' | 'call' | 'read' | 'listen';

export const COMMANDS: readonly CommandName[] = ['tools', 'call', 'read', 'listen'];

const OPTIONS = `Options:
  -H, --header 'Name: value'   Send this HTTP header with every request (repeatable), e.g. for auth:
                               --header 'Authorization: Bearer <token>'
  -p, --protocol <which>       2026 (MCP 2026-07-28, stateless), 2025 (a session over Streamable
                               HTTP), sse, or auto (2026, then 2025, then sse). Without it: a 2025
                               session, over the wire --transport names
  -t, --transport <kind>       A 2025 session's wire: auto (default: Streamable HTTP, then HTTP+SSE),
                               streamable-http or sse
      --timeout <seconds>      How long to wait for each answer (default 60; 0 waits forever)
      --json                   Print machine-readable JSON on stdout
  -q, --quiet                  No progress or status lines on stderr
  -h, --help                   Show help (also: mcp-live <command> --help)
      --version                Print the version`;

const GENERAL = `Usage: mcp-live <command> <url> [arguments] [options]

Talk to a Model Context Protocol server over Streamable HTTP or HTTP+SSE.

Commands:
  tools <url>                        List the server's tools and their arguments
  call <url> <tool> [name=value…]    Call a tool and print its result
  read <url> <uri>                   Read a resource and print its contents
  listen <url>                       Print every notification as a JSON line until Ctrl-C

${OPTIONS}

Exit codes: 0 success, 1 failure (server, network, or a tool that reported an error),
2 wrong usage (bad option, unknown tool, bad argument), 130 interrupted with Ctrl-C.

Examples:
  mcp-live tools http://localhost:8080/mcp
  mcp-live call http://localhost:8080/mcp add a=1 b=2
  mcp-live call http://localhost:8080/sse search query='mcp live' filters:='{"lang":"en"}'
  mcp-live listen http://localhost:8080/mcp --subscribe file:///log.txt
`;

const TOPICS: Record<CommandName, string> = {
  tools: `Usage: mcp-live tools <url> [options]

Lists every tool the server offers: its name, description and arguments (type, whether it is
required, its default). With --json, prints the tools exactly as the server describes them.

${OPTIONS}
`,
  call: `Usage: mcp-live call <url> <tool> [name=value…] [options]

Calls a tool and prints its result: text as text, JSON and structured content pretty-printed.

Arguments are read as the tool's input schema types them:
  name=value        a number, integer or boolean argument is parsed (true/false, yes/no, 1/0);
                    an array takes a,b,c or a JSON array (or repeat it: tag=a tag=b);
                    an object takes JSON; anything else is the text as written
  name:=<json>      raw JSON, whatever the type: ids:='[1,2]' config:='{"deep":true}'
  name              alone, for a boolean argument: true

Progress the server reports is drawn as a bar on stderr when stderr is a terminal, and written as
one "progress 3/10 (30%): message" line per update otherwise (--quiet turns it off).
Ctrl-C cancels the call on the server (notifications/cancelled) and exits with code 130.
A tool that reports an error (isError) prints it on stderr and exits with code 1.

${OPTIONS}
`,
  read: `Usage: mcp-live read <url> <uri> [options]

Reads a resource and prints its contents. Text is printed as it is; a single binary resource is
written as raw bytes when stdout is not a terminal (mcp-live read … > file.png).

${OPTIONS}
`,
  listen: `Usage: mcp-live listen <url> [--subscribe <uri>…] [--event <method>…] [options]

Prints every notification the server sends as one JSON-RPC line on stdout, until Ctrl-C (exit 130)
or until the server ends the session or the listen (exit 1). With a 2026-07-28 server it opens one
subscriptions/listen stream for every list change, the --subscribe resources and the --event methods.

      --subscribe <uri>        Also subscribe to updates of this resource (repeatable)
      --event <method>         Also hear this custom notification (repeatable; 2026-07-28 servers
                               with mcp-live's dev.mcp-live/events extension), e.g. --event chat_message

${OPTIONS}
`,
};

/** The help text for `topic`, or the general one. */
export function usageText(topic?: CommandName): string {
  return topic === undefined ? GENERAL : TOPICS[topic];
}
