import { toStandardJsonSchema } from '@valibot/to-json-schema';
import { type } from 'arktype';
import * as v from 'valibot';
import { z } from 'zod';
import {
  type CompiledSchema,
  compileSchema,
  type InferSchema,
  jsonSchema,
  s,
  withJSONSchema,
} from './index.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
type ArgsOf<I> = I extends CompiledSchema<infer T> ? T : never;

const shape = {
  source: s.string().required(),
  count: s.number().default(10),
  tag: s.string(),
};

const nested = {
  mode: s.string().enum(['fast', 'slow']).required(),
  level: s.integer().enum([1, 2, 3]).default(1),
  page: s.integer().min(1),
  flags: s.boolean().describe('flags').default(false),
  filter: s.object({ field: s.string().required(), exact: s.boolean() }).required(),
  rows: s
    .array(s.object({ id: s.integer().required(), label: s.string() }))
    .minItems(1)
    .required(),
  names: s.array(s.string().enum(['a', 'b'])),
};

const zodSchema = z.object({ city: z.string(), days: z.number().default(3), note: z.string().optional() });
const valibotSchema = toStandardJsonSchema(v.object({ city: v.string(), days: v.optional(v.number(), 3) }));
const arkSchema = type({ city: 'string', 'days?': 'number' });
const plainValibot = withJSONSchema(v.object({ city: v.string() }), { type: 'object' });

export type Tests = [
  Expect<Equal<InferSchema<typeof shape>, { source: string; count: number; tag?: string | undefined }>>,
  Expect<
    Equal<
      InferSchema<typeof nested>,
      {
        mode: 'fast' | 'slow';
        level: 1 | 2 | 3;
        flags: boolean;
        filter: { field: string; exact?: boolean | undefined };
        rows: { id: number; label?: string | undefined }[];
        page?: number | undefined;
        names?: ('a' | 'b')[] | undefined;
      }
    >
  >,
  Expect<Equal<InferSchema<ReturnType<typeof s.object<typeof shape>>>, InferSchema<typeof shape>>>,
  Expect<Equal<ArgsOf<ReturnType<typeof compileSchema<typeof shape>>>, InferSchema<typeof shape>>>,
  Expect<Equal<InferSchema<typeof zodSchema>, { city: string; days: number; note?: string | undefined }>>,
  Expect<Equal<InferSchema<typeof valibotSchema>, { city: string; days: number }>>,
  Expect<Equal<InferSchema<typeof arkSchema>, { city: string; days?: number }>>,
  Expect<Equal<InferSchema<typeof plainValibot>, { city: string }>>,
];

const raw = compileSchema({ type: 'object', properties: { a: { type: 'string' } } });
export const rawArgs: Expect<Equal<ArgsOf<typeof raw>, Record<string, unknown>>> = true;

const typed = compileSchema(
  jsonSchema<{ a: string }>({ type: 'object', properties: { a: { type: 'string' } } }),
);
export const typedArgs: Expect<Equal<ArgsOf<typeof typed>, { a: string }>> = true;

const untyped = compileSchema(jsonSchema({ type: 'object' }));
export const untypedArgs: Expect<Equal<ArgsOf<typeof untyped>, Record<string, unknown>>> = true;

const topLevel = compileSchema(s.object({ q: s.string().required() }));
export const topLevelArgs: Expect<Equal<ArgsOf<typeof topLevel>, { q: string }>> = true;

// @ts-expect-error a top-level schema must be an object, not s.string()
compileSchema(s.string());

// @ts-expect-error a raw JSON Schema needs type: 'object' at the root
compileSchema({ type: 'string' });

// @ts-expect-error the default must match the enum
s.string().enum(['a', 'b']).default('c');

// @ts-expect-error a number default on a string field
s.string().default(1);

// @ts-expect-error an object default must have the required fields
s.object({ id: s.integer().required() }).default({});
