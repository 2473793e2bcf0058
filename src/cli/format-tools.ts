import type { Tool } from '../protocol/tools.ts';
import { describeArguments } from './describe-schema.ts';

function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

/** One tool: its name and description, then one line per argument (type, required or default, description). */
export function formatTool(tool: Tool): string {
  const about = tool.description ?? tool.title;
  const head = about === undefined ? tool.name : `${tool.name} — ${about.trim().replace(/\n/g, '\n  ')}`;
  const args = describeArguments(tool.inputSchema);
  if (args.length === 0) return `${head}\n    (no arguments)`;
  const rows = args.map((arg) => [
    arg.name,
    arg.type,
    arg.required ? 'required' : 'default' in arg ? `default ${JSON.stringify(arg.default)}` : 'optional',
    arg.description ?? '',
  ]);
  return [head, ...table(rows).map((line) => `    ${line}`)].join('\n');
}

/** The listing `mcp-live tools` prints. */
export function formatTools(tools: readonly Tool[]): string {
  if (tools.length === 0) return 'The server has no tools.\n';
  return `${tools.map(formatTool).join('\n\n')}\n`;
}

/** `Unknown tool "x"; available: a, b` */
export function unknownToolMessage(name: string, tools: readonly Tool[]): string {
  if (tools.length === 0) return `Unknown tool "${name}": the server has no tools`;
  return `Unknown tool "${name}"; available: ${tools.map((tool) => tool.name).join(', ')}`;
}
