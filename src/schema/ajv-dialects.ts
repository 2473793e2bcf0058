import { Ajv, type Options, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { McpLiveError } from '../protocol/mcp-live-error.ts';

const OPTIONS: Options = {
  allErrors: true,
  useDefaults: true,
  strict: false,
  verbose: true,
  // Keeps schemas with the same $id (two tools sharing one) from clashing in the shared instance.
  addUsedSchema: false,
};

const DRAFT_2020_12 = /^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/;
const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;

// One compiler per dialect, made on first use: a cache of code generators, not session state.
let ajv2020: Ajv2020 | undefined;
let ajv07: Ajv | undefined;

function compilerFor($schema: unknown): Ajv | Ajv2020 {
  if ($schema === undefined || (typeof $schema === 'string' && DRAFT_2020_12.test($schema))) {
    ajv2020 ??= withFormats(new Ajv2020(OPTIONS));
    return ajv2020;
  }
  if (typeof $schema === 'string' && DRAFT_07.test($schema)) {
    ajv07 ??= withFormats(new Ajv(OPTIONS));
    return ajv07;
  }
  throw new McpLiveError(
    'INVALID_DEFINITION',
    `JSON Schema dialect ${JSON.stringify($schema)} is not supported; omit "$schema" for draft 2020-12 ` +
      '(the MCP default) or set it to "http://json-schema.org/draft-07/schema#"',
  );
}

function withFormats<A extends Ajv | Ajv2020>(ajv: A): A {
  addFormats.default(ajv);
  return ajv;
}

/**
 * Compiles a JSON Schema with the shared Ajv instance for its `$schema` dialect.
 * The validator applies `default`s in place and collects every error.
 */
export function compileWithAjv(schema: Record<string, unknown>): ValidateFunction {
  // Ajv picks the dialect from its instance; the URI itself may be a spelling Ajv does not know.
  const { $schema, ...body } = schema;
  const ajv = compilerFor($schema);
  try {
    return ajv.compile(body);
  } catch (cause) {
    throw new McpLiveError(
      'INVALID_DEFINITION',
      `Invalid JSON Schema: ${(cause as Error).message}. Fix the schema so that it is valid ${
        ajv === ajv07 ? 'draft-07' : 'draft 2020-12'
      } JSON Schema`,
      { cause },
    );
  } finally {
    // The compiled function keeps what it needs; dropping the cache entry lets per-session tools be collected.
    ajv.removeSchema(body);
  }
}
