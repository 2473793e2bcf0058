// Builds the page script (public/app.ts with mcp-live/client) for the browser, in memory, with esbuild.
import { fileURLToPath } from 'node:url';

export const PAGE_ENTRY = fileURLToPath(new URL('./public/app.ts', import.meta.url));

export interface PageBundle {
  code: string;
  /** Every file the bundle was built from, relative to the working directory. */
  inputs: string[];
}

/** Bundles the page script as one minified ES module for browsers; throws with esbuild's errors. */
export async function bundlePageScript(): Promise<PageBundle> {
  // esbuild is a development dependency: loaded only by the example, never by the library.
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [PAGE_ENTRY],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error(`esbuild produced no output for ${PAGE_ENTRY}`);
  return { code: output.text, inputs: Object.keys(result.metafile.inputs) };
}
