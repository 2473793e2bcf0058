// Preload (`node --import`) for @modelcontextprotocol/conformance on Node 20. That package imports
// `globSync` from `fs` by name, which Node adds only in 22, so on Node 20 it fails to load at all.
// Where `fs.globSync` is missing, this routes that package's imports of `fs` to ./fs-with-glob-sync.mjs.
import fs from 'node:fs';
import { register } from 'node:module';

if (typeof fs.globSync !== 'function') register('./fs-glob-sync-hooks.mjs', import.meta.url);
