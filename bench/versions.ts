// The exact versions of what was measured, read at run time: each peer package's own package.json, and
// mcp-live's version and commit.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `name@version` of each package, or `name (not installed)`, from `<root>/node_modules`. */
export function packageVersions(names: Iterable<string>, root = process.cwd()): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of names) {
    try {
      const manifest = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as {
        version?: unknown;
      };
      versions[name] = String(manifest.version);
    } catch {
      versions[name] = 'not installed';
    }
  }
  return versions;
}

/** mcp-live's own version and the commit measured (with `+dirty` when `src` had changes not committed). */
export function ownVersion(root = process.cwd()): string {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], {
      cwd: root,
      encoding: 'utf8',
    });
    return `${version} (${commit}${dirty.trim() === '' ? '' : '+dirty'})`;
  } catch {
    return version;
  }
}
