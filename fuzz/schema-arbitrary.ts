// fast-check arbitraries derived from a schema: a zod schema goes through z.toJSONSchema (zod's own
// translation, so the generator follows the schema as it changes), and the JSON Schema becomes an
// arbitrary of valid values. `fuzzValues` mixes them with mutants one step away (a key dropped, an
// unknown key, a leaf replaced by a wrong type, a boundary number or a huge string) and with
// random JSON, so that a fuzzer reaches every check of a parser, not only its first.
import fc from "fast-check";
import { z } from "zod";

export type JsonSchema = {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly oneOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
};

/** Arrays and strings stay small unless the schema asks for more (a fuzz case must be cheap). */
const itemsMax = 8;
const stringMax = 40;

export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
}

function numberArb(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min =
    s.minimum ??
    (s.exclusiveMinimum === undefined ? -1e9 : s.exclusiveMinimum + (integer ? 1 : 1e-9));
  const max =
    s.maximum ??
    (s.exclusiveMaximum === undefined ? 1e9 : s.exclusiveMaximum - (integer ? 1 : 1e-9));
  if (integer)
    return fc.integer({
      min: Math.ceil(Math.max(min, -(2 ** 53 - 1))),
      max: Math.floor(Math.min(max, 2 ** 53 - 1)),
    });
  const edges = fc.constantFrom(...[min, max].filter((n) => Number.isFinite(n)));
  return fc.oneof(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), edges);
}

function stringArb(s: JsonSchema): fc.Arbitrary<string> {
  if (s.pattern !== undefined) {
    const re = new RegExp(s.pattern);
    return fc
      .stringMatching(re)
      .filter((t) => t.length >= (s.minLength ?? 0) && t.length <= (s.maxLength ?? Infinity));
  }
  const minLength = s.minLength ?? 0;
  return fc.string({
    minLength,
    maxLength: Math.max(minLength, Math.min(s.maxLength ?? stringMax, stringMax)),
  });
}

function objectArb(s: JsonSchema, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const props = s.properties ?? {};
  const required = new Set(s.required ?? []);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, child] of Object.entries(props)) model[key] = arbitraryOf(child, depth + 1);
  const fixed = fc.record(model, {
    requiredKeys: Object.keys(props).filter((k) => required.has(k)),
  });
  const extra = s.additionalProperties;
  if (Object.keys(props).length > 0 || extra === false || extra === undefined || extra === true)
    return fixed;
  return fc
    .tuple(
      fixed,
      fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), arbitraryOf(extra, depth + 1), {
        maxKeys: 3,
      }),
    )
    .map(([a, b]) => ({ ...b, ...a }));
}

/** Valid values of a JSON Schema (as far as JSON Schema can say: refinements are the mutants' job). */
export function arbitraryOf(s: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (depth > 12) return fc.constant(null);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const union = s.oneOf ?? s.anyOf;
  if (union) return fc.oneof(...union.map((u) => arbitraryOf(u, depth + 1)));
  if (s.allOf?.length) return arbitraryOf(s.allOf[0]!, depth + 1);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case "object":
      return objectArb(s, depth);
    case "array": {
      const minLength = s.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(s.maxItems ?? itemsMax, itemsMax));
      return fc.array(arbitraryOf(s.items ?? {}, depth + 1), { minLength, maxLength });
    }
    case "string":
      return stringArb(s);
    case "integer":
      return numberArb(s, true);
    case "number":
      return numberArb(s, false);
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Values a boundary must refuse cleanly in place of a leaf. */
const wrongLeaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    -0,
    1e308,
    -1e308,
    2 ** 53,
    0.5,
    "",
    "\u0000",
    "../..",
    "NaN",
    "1e400",
    [],
    {},
    { __proto__: { polluted: true } },
    "x".repeat(70_000),
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

type Json = unknown;
type Gen = fc.GeneratorValue;

/** The children of a JSON value, by key or index. */
function childrenOf(v: Json): (string | number)[] {
  if (Array.isArray(v)) return v.map((_, i) => i);
  return v && typeof v === "object" ? Object.keys(v) : [];
}

/**
 * One step away from `value`: a leaf replaced, a key dropped or added, an array grown. The place is
 * found by a random descent (cost: the depth, not the size, so large files stay cheap to mutate).
 */
function mutate(value: Json, g: Gen): Json {
  const copy = structuredClone(value) as Json;
  let parent: Json = undefined;
  let key: string | number | undefined;
  let node: Json = copy;
  for (let depth = 0; depth < 16; depth++) {
    const children = childrenOf(node);
    if (children.length === 0 || g(fc.integer, { min: 0, max: 3 }) === 0) break;
    parent = node;
    key = children[g(fc.integer, { min: 0, max: children.length - 1 })]!;
    node = (node as Record<string | number, Json>)[key];
  }
  const leaf = g(() => wrongLeaf);
  if (key === undefined) return leaf;
  const holder = parent as Record<string | number, Json>;
  const action = g(fc.integer, { min: 0, max: 3 });
  if (action === 0 && !Array.isArray(parent)) delete holder[key];
  else if (action === 1 && !Array.isArray(parent))
    holder[`unknown${g(fc.integer, { min: 0, max: 9 })}`] = leaf;
  else if (action === 2 && Array.isArray(holder[key])) {
    (holder[key] as Json[]).push(...Array<Json>(g(fc.integer, { min: 1, max: 3 })).fill(leaf));
  } else holder[key] = leaf;
  return copy;
}

export interface FuzzValue {
  readonly kind: "valid" | "mutant" | "random";
  readonly value: Json;
}

/** Valid values, mutants (one to three steps away) and random JSON, in proportions 2 : 6 : 1. */
export function fuzzValues(schema: JsonSchema): fc.Arbitrary<FuzzValue> {
  const valid = arbitraryOf(schema);
  const mutant = fc.tuple(valid, fc.integer({ min: 1, max: 3 }), fc.gen()).map(([v, steps, g]) => {
    let out: Json = v;
    for (let i = 0; i < steps; i++) out = mutate(out, g);
    return out;
  });
  return fc.oneof(
    { weight: 2, arbitrary: valid.map((value) => ({ kind: "valid" as const, value })) },
    { weight: 6, arbitrary: mutant.map((value) => ({ kind: "mutant" as const, value })) },
    {
      weight: 1,
      arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => ({ kind: "random" as const, value })),
    },
  );
}

/** Text a file parser must refuse cleanly: a value's JSON cut short, with a byte flipped, or noise. */
export function fuzzTexts(schema: JsonSchema): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fuzzValues(schema).map((v) => JSON.stringify(v.value) ?? "undefined") },
    {
      weight: 2,
      arbitrary: fc.tuple(fuzzValues(schema), fc.nat(), fc.nat(255)).map(([v, at, byte]) => {
        const text = JSON.stringify(v.value) ?? "";
        const i = text.length === 0 ? 0 : at % text.length;
        return at % 2 === 0
          ? text.slice(0, i)
          : `${text.slice(0, i)}${String.fromCharCode(byte)}${text.slice(i + 1)}`;
      }),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 200, unit: "binary" }) },
  );
}
