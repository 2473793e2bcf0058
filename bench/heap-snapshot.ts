// Totals a V8 heap snapshot (a `.heapsnapshot` file, as `--heapsnapshot-signal` writes it) by kind of
// node: objects by constructor, closures by function and source line, V8's internal nodes by their
// category name, and strings, numbers and the like by type alone (their names are their contents).
import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapping } from 'node:module';
import { relative } from 'node:path';

interface RawSnapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
      location_fields?: string[];
    };
  };
  nodes: number[];
  edges: number[];
  locations?: number[];
  strings: string[];
}

/** How many nodes of one kind a snapshot holds and their self size in bytes (or both per session). */
export interface HeapRow {
  type: string;
  name: string;
  count: number;
  bytes: number;
}

export interface HeapTotals {
  /** Keyed by `type` and `name` joined with a tab. */
  rows: Map<string, HeapRow>;
  count: number;
  bytes: number;
}

// Nodes of these types are counted under their name; others only when it is one of V8's categories.
const INLINE_MAP = 'data:application/json;base64,';
const NAMED_TYPES = new Set(['object', 'closure', 'native', 'synthetic']);
const isCategory = (name: string): boolean => name.startsWith('system / ') || name.startsWith('(');

function fieldIndex(fields: readonly string[], field: string): number {
  const at = fields.indexOf(field);
  if (at === -1) throw new Error(`heap snapshot has no "${field}" field (fields: ${fields.join(', ')})`);
  return at;
}

/** A script's name as the report shows it: relative to `root`, or from `node_modules/` on. */
function scriptLabel(url: string, root: string): string {
  const file = url.startsWith('file://') ? relative(root, decodeURIComponent(url.slice(7))) : url;
  const modules = file.lastIndexOf('node_modules/');
  return modules === -1 ? file : file.slice(modules);
}

/** Reads and totals one snapshot. Iterates the flat arrays; allocates per kind of node, not per node. */
export function readHeapSnapshot(file: string, root = process.cwd()): HeapTotals {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as RawSnapshot;
  const { meta } = raw.snapshot;
  const { nodes, edges, strings } = raw;
  const nodeFields = meta.node_fields.length;
  const edgeFields = meta.edge_fields.length;
  const TYPE = fieldIndex(meta.node_fields, 'type');
  const NAME = fieldIndex(meta.node_fields, 'name');
  const SIZE = fieldIndex(meta.node_fields, 'self_size');
  const EDGE_COUNT = fieldIndex(meta.node_fields, 'edge_count');
  const EDGE_TYPE = fieldIndex(meta.edge_fields, 'type');
  const EDGE_NAME = fieldIndex(meta.edge_fields, 'name_or_index');
  const EDGE_TO = fieldIndex(meta.edge_fields, 'to_node');
  const types = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const CLOSURE = types.indexOf('closure');
  // Element and hidden edges carry an index, not a string, in name_or_index.
  const ELEMENT = edgeTypes.indexOf('element');
  const HIDDEN = edgeTypes.indexOf('hidden');
  const SHARED = strings.indexOf('shared');
  const SCRIPT = strings.indexOf('script_or_debug_info');
  const nodeCount = nodes.length / nodeFields;

  const firstEdge = new Uint32Array(nodeCount);
  for (let i = 0, e = 0; i < nodeCount; i++) {
    firstEdge[i] = e;
    e += (nodes[i * nodeFields + EDGE_COUNT] as number) * edgeFields;
  }
  /** The node (as an index into `nodes`) that `node`'s edge called `name` points to, or -1. */
  const follow = (node: number, name: number): number => {
    if (node < 0 || name < 0) return -1;
    const end = (firstEdge[node] as number) + (nodes[node * nodeFields + EDGE_COUNT] as number) * edgeFields;
    for (let e = firstEdge[node] as number; e < end; e += edgeFields) {
      const type = edges[e + EDGE_TYPE];
      if (type !== ELEMENT && type !== HIDDEN && edges[e + EDGE_NAME] === name)
        return (edges[e + EDGE_TO] as number) / nodeFields;
    }
    return -1;
  };

  // The hash tables behind Map and Set have no name of their own: they are counted as such.
  const TABLE = strings.indexOf('table');
  const OBJECT_TYPE = types.indexOf('object');
  const collections = new Set(['Map', 'Set', 'WeakMap', 'WeakSet'].map((name) => strings.indexOf(name)));
  const tables = new Uint8Array(nodeCount);
  for (let i = 0; i < nodeCount; i++) {
    if (nodes[i * nodeFields + TYPE] !== OBJECT_TYPE) continue;
    if (!collections.has(nodes[i * nodeFields + NAME] as number)) continue;
    const table = follow(i, TABLE);
    if (table !== -1) tables[table] = 1;
  }

  // [count, bytes, a node of the group]; named groups keyed by type and name index, closures by their
  // shared function info (one per function in the source, however many closures it made).
  const groups = new Map<number, number[]>();
  const closures = new Map<number, number[]>();
  const namedType = types.map((type) => NAMED_TYPES.has(type));
  const category = Uint8Array.from(strings, (name) => (isCategory(name) ? 1 : 0));
  const count = (map: Map<number, number[]>, key: number, node: number, size: number) => {
    const group = map.get(key);
    if (group === undefined) map.set(key, [1, size, node]);
    else {
      group[0]! += 1;
      group[1]! += size;
    }
  };
  let bytes = 0;
  for (let i = 0; i < nodeCount; i++) {
    const type = nodes[i * nodeFields + TYPE] as number;
    const name = nodes[i * nodeFields + NAME] as number;
    const size = nodes[i * nodeFields + SIZE] as number;
    bytes += size;
    if (type === CLOSURE) {
      const shared = follow(i, SHARED);
      count(closures, shared === -1 ? -1 - name : shared, i, size);
    } else if (tables[i] === 1) {
      count(groups, -1, i, size);
    } else {
      count(
        groups,
        type * (strings.length + 1) + (namedType[type] || category[name] ? name + 1 : 0),
        i,
        size,
      );
    }
  }

  const positions = new Map<number, [line: number, column: number]>();
  const wanted = new Set([...closures.values()].map((group) => (group[2] as number) * nodeFields));
  const locations = raw.locations ?? [];
  const locationFields = meta.location_fields ?? ['object_index', 'script_id', 'line', 'column'];
  const OBJECT = fieldIndex(locationFields, 'object_index');
  const LINE = fieldIndex(locationFields, 'line');
  const COLUMN = fieldIndex(locationFields, 'column');
  for (let l = 0; l < locations.length; l += locationFields.length) {
    const object = locations[l + OBJECT] as number;
    if (wanted.has(object))
      positions.set(object / nodeFields, [locations[l + LINE] as number, locations[l + COLUMN] as number]);
  }

  // tsx puts each TypeScript module on one line, with an inline source map that the script holds (whole
  // only when the target ran with a large enough --heap-snapshot-string-limit).
  const maps = new Map<number, SourceMap | undefined>();
  const sourceMap = (script: number): SourceMap | undefined => {
    if (maps.has(script)) return maps.get(script);
    let map: SourceMap | undefined;
    const end =
      (firstEdge[script] as number) + (nodes[script * nodeFields + EDGE_COUNT] as number) * edgeFields;
    for (let e = firstEdge[script] as number; e < end && map === undefined; e += edgeFields) {
      const to = (edges[e + EDGE_TO] as number) / nodeFields;
      const text = strings[nodes[to * nodeFields + NAME] as number] as string;
      if (!text.startsWith(INLINE_MAP)) continue;
      try {
        map = new SourceMap(
          JSON.parse(Buffer.from(text.slice(INLINE_MAP.length), 'base64').toString('utf8')),
        );
      } catch {
        // Cut short by the string limit: lines stay as they were generated.
      }
    }
    maps.set(script, map);
    return map;
  };
  const originalLine = (script: number, [line, column]: [number, number]): number => {
    const entry = script === -1 ? undefined : sourceMap(script)?.findEntry(line, column);
    return (entry as Partial<SourceMapping> | undefined)?.originalLine ?? line;
  };

  const rows = new Map<string, HeapRow>();
  const add = (type: string, name: string, group: number[]) => {
    const key = `${type}\t${name}`;
    const row = rows.get(key);
    if (row === undefined) rows.set(key, { type, name, count: group[0]!, bytes: group[1]! });
    else {
      row.count += group[0]!;
      row.bytes += group[1]!;
    }
  };
  for (const [key, group] of groups) {
    if (key === -1) {
      const type = nodes[(group[2] as number) * nodeFields + TYPE] as number;
      add(types[type] ?? `type ${type}`, '(Map and Set tables)', group);
      continue;
    }
    const type = Math.floor(key / (strings.length + 1));
    const name = (key % (strings.length + 1)) - 1;
    add(types[type] ?? `type ${type}`, name === -1 ? '' : (strings[name] as string), group);
  }
  for (const group of closures.values()) {
    const node = group[2] as number;
    const name = strings[nodes[node * nodeFields + NAME] as number] || '(anonymous)';
    const script = follow(follow(node, SHARED), SCRIPT);
    const url = script === -1 ? '' : (strings[nodes[script * nodeFields + NAME] as number] as string);
    const position = positions.get(node);
    const line = position === undefined ? undefined : originalLine(script, position);
    const where =
      url === '' || isCategory(url)
        ? ''
        : ` ${scriptLabel(url, root)}${line === undefined ? '' : `:${line + 1}`}`;
    add('closure', `${name}${where}`, group);
  }
  return { rows, count: nodeCount, bytes };
}

/** What `after` holds beyond `before`, divided by `sessions`, largest first. */
export function perSession(before: HeapTotals, after: HeapTotals, sessions: number): HeapRow[] {
  const rows = new Map<string, HeapRow>();
  for (const [key, row] of after.rows) rows.set(key, { ...row });
  for (const [key, row] of before.rows) {
    const later = rows.get(key);
    if (later === undefined) rows.set(key, { ...row, count: -row.count, bytes: -row.bytes });
    else {
      later.count -= row.count;
      later.bytes -= row.bytes;
    }
  }
  const result = [...rows.values()].map((row) => ({
    ...row,
    count: row.count / sessions,
    bytes: row.bytes / sessions,
  }));
  return result.sort((a, b) => b.bytes - a.bytes);
}
