// `node:fs` plus `globSync` for Node 20, where fs has none (see ./fs-glob-sync.mjs). Like Node 22's, it
// returns the paths, relative to `cwd`, of the files and folders that match. `exclude` takes a list of
// patterns or a function of the path; `withFileTypes` is not supported.
import { relative, resolve } from 'node:path';
import { globSync as glob } from 'tinyglobby';

export * from 'node:fs';
export { default } from 'node:fs';

export function globSync(pattern, options = {}) {
  if (options.withFileTypes) {
    throw new TypeError('globSync: withFileTypes is not supported by the Node 20 polyfill');
  }
  const cwd = resolve(options.cwd ?? '.');
  const exclude = options.exclude;
  const paths = glob(pattern, {
    cwd,
    onlyFiles: false,
    expandDirectories: false,
    ...(Array.isArray(exclude) ? { ignore: exclude } : {}),
  }).map((path) => relative(cwd, resolve(cwd, path)));
  return typeof exclude === 'function' ? paths.filter((path) => !exclude(path)) : paths;
}
