// What a sampling heap profile (V8's, with the samples of freed objects kept) says a target allocates
// per call: in all, by function and by file. `npm run bench:profile -- --alloc` writes and reads one.
import { relative } from 'node:path';

interface AllocationFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

export interface AllocationNode {
  callFrame: AllocationFrame;
  /** Bytes the samples taken in this frame stand for. */
  selfSize: number;
  children: AllocationNode[];
}

export interface AllocationProfile {
  head: AllocationNode;
}

export interface AllocationSummary {
  bytes: number;
  /** Bytes by allocating function (`name file:line`), largest first. */
  functions: Array<[string, number]>;
  /** Bytes by file (or `(native)` for frames without one), largest first. */
  files: Array<[string, number]>;
}

function where(frame: AllocationFrame, root: string): string {
  if (frame.url === '') return '(native)';
  const file = frame.url.startsWith('file://') ? relative(root, frame.url.slice(7)) : frame.url;
  const modules = file.indexOf('node_modules/');
  return modules === -1 ? file : file.slice(modules);
}

/** Every frame's self bytes, summed by function and by file. */
export function summarizeAllocations(profile: AllocationProfile, root = process.cwd()): AllocationSummary {
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, bytes: number) =>
    map.set(key, (map.get(key) ?? 0) + bytes);
  let bytes = 0;
  const stack = [profile.head];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    stack.push(...node.children);
    if (node.selfSize === 0) continue;
    bytes += node.selfSize;
    const file = where(node.callFrame, root);
    const name = node.callFrame.functionName || '(anonymous)';
    add(
      functions,
      file === '(native)' ? name : `${name} ${file}:${node.callFrame.lineNumber + 1}`,
      node.selfSize,
    );
    add(files, file, node.selfSize);
  }
  const largest = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);
  return { bytes, functions: largest(functions), files: largest(files) };
}

/** The summary as the profile tool prints it: bytes per call, the `top` largest of each kind. */
export function formatAllocations(summary: AllocationSummary, calls: number, top: number): string {
  const perCall = (bytes: number) => `${Math.round(bytes / calls).toLocaleString('en-US')} B/call`;
  const rows = (entries: Array<[string, number]>) =>
    entries
      .slice(0, top)
      .map(([key, bytes]) => `${perCall(bytes).padStart(14)}  ${key}`)
      .join('\n');
  return [
    `allocated: ${perCall(summary.bytes)} (sampled, freed objects included)`,
    '',
    'by file',
    rows(summary.files),
    '',
    'by function',
    rows(summary.functions),
  ].join('\n');
}
