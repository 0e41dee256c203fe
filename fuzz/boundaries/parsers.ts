// The parser boundaries: every file or token syncbench reads, fuzzed in process with arbitraries
// derived from its schema (zod schemas through z.toJSONSchema; the run configuration's key table;
// the versioned files of formats/ are in format-files.ts). Each case must be accepted, or refused
// with the boundary's error code, never throw anything else.
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import { verifyJwt } from "../../reference-impl/runtime/jwt.ts";
import {
  commitSchema,
  uploadInitSchema,
} from "../../reference-impl/services/chunk-service/schemas.ts";
import { scenarioLibrary } from "../../scenarios/library/index.ts";
import { runKeys } from "../../scenarios/run/run-config-keys.ts";
import { loadRunConfig } from "../../scenarios/run/run-config.ts";
import { validateScenarioJson } from "../../scenarios/scenario-validate.ts";
import { scenarioSchema } from "../../scenarios/scenario.ts";
import { check, parserOutcome, type Boundary, type FuzzRun } from "../boundary.ts";
import { formatFileBoundaries } from "./format-files.ts";
import { fuzzTexts, fuzzValues, jsonSchemaOf, type JsonSchema } from "../schema-arbitrary.ts";

const secret = "fuzz-secret-0123456789";
const nowMs = Date.UTC(2026, 0, 1);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v) ?? "").toString("base64url");

const sign = (head: string) => createHmac("sha256", secret).update(head).digest("base64url");
const jwtClaims: JsonSchema = {
  type: "object",
  required: ["sub", "exp"],
  properties: {
    sub: { type: "string", minLength: 1, maxLength: 256 },
    exp: { type: "number", minimum: nowMs / 1000 - 100, maximum: nowMs / 1000 + 1e6 },
  },
};

/** Tokens: noise, and header/claims one step from valid, some with a raw exp JSON cannot make. */
const tokenArb = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc
    .tuple(
      fuzzValues({
        type: "object",
        properties: { alg: { const: "HS256" }, typ: { const: "JWT" } },
        required: ["alg"],
      }),
      fuzzValues(jwtClaims),
      fc.constantFrom(undefined, "1e400", "-1e400", "1e308", "null", '"x"', "1.5"),
    )
    .map(([header, claims, rawExp]) => {
      let text = JSON.stringify(claims.value) ?? "";
      if (rawExp !== undefined) text = text.replace(/"exp":[^,}]+/, `"exp":${rawExp}`);
      const head = `${b64(header.value)}.${Buffer.from(text).toString("base64url")}`;
      return `${head}.${sign(head)}`;
    }),
);

const jwt: Boundary = {
  name: "jwt parser (verifyJwt)",
  where: "parser",
  run: (o) =>
    check("jwt parser (verifyJwt)", "parser", o, tokenArb, (token, tally) => {
      tally.add(
        parserOutcome(() => verifyJwt(token, secret, nowMs), ["AUTH_INVALID", "AUTH_EXPIRED"]),
      );
    }),
};

/** Accepted claims are sane: a user id without control characters, a finite expiry in the future. */
const jwtClaimsSane: Boundary = {
  name: "jwt accepted claims",
  where: "parser",
  run: (o) =>
    check("jwt accepted claims", "parser", o, tokenArb, (token, tally) => {
      let claims;
      try {
        claims = verifyJwt(token, secret, nowMs);
      } catch (error) {
        if (error instanceof SyncbenchError) return tally.add("refused");
        throw error;
      }
      const control = [...claims.sub].some((c) => c.charCodeAt(0) < 0x20);
      if (
        control ||
        claims.sub.length < 1 ||
        claims.sub.length > 256 ||
        !Number.isFinite(claims.exp) ||
        claims.exp * 1000 <= nowMs
      ) {
        throw new Error(`accepted claims sub ${JSON.stringify(claims.sub)} exp ${claims.exp}`);
      }
      tally.add("accepted");
    }),
};

function schemaBoundary(
  name: string,
  schema: JsonSchema,
  parse: (text: string) => unknown,
  codes: string[],
): Boundary {
  return {
    name,
    where: "parser",
    run: (o: FuzzRun) =>
      check(name, "parser", o, fuzzTexts(schema), (text, tally) => {
        tally.add(parserOutcome(() => parse(text), codes));
      }),
  };
}

const scenarioFile: Boundary = {
  name: "scenario file",
  where: "parser",
  run: (o: FuzzRun) =>
    check(
      "scenario file",
      "parser",
      o,
      fc.oneof(
        fuzzTexts(jsonSchemaOf(scenarioSchema)),
        ...[...scenarioLibrary.values()].map((v) => fuzzTexts({ const: v })),
      ),
      (text, tally) => {
        tally.add(parserOutcome(() => validateScenarioJson(text, "fuzz"), ["SCENARIO_INVALID"]));
      },
    ),
};

const zodParse = (schema: { safeParse(v: unknown): { success: boolean } }) => (text: string) => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SyncbenchError("REQUEST_INVALID", "not JSON", { cause: error });
  }
  if (!schema.safeParse(value).success) throw new SyncbenchError("REQUEST_INVALID", "schema");
};

/** The run configuration file as its key table describes it (nested by dotted path). */
function runConfigSchema(): JsonSchema {
  const root: { type: "object"; properties: Record<string, JsonSchema>; required: string[] } = {
    type: "object",
    properties: {},
    required: ["scenario"],
  };
  for (const spec of runKeys) {
    const parts = spec.path.split(".");
    let node = root;
    for (const part of parts.slice(0, -1)) {
      node.properties[part] ??= { type: "object", properties: {}, required: [] };
      node = node.properties[part] as typeof root;
    }
    const leaf: JsonSchema =
      spec.path === "scenario"
        ? { enum: [...scenarioLibrary.keys()] }
        : spec.kind === "string"
          ? { type: "string", minLength: 1 }
          : spec.kind === "boolean"
            ? { type: "boolean" }
            : spec.kind === "seconds"
              ? {
                  anyOf: [
                    { type: "integer", minimum: 1, maximum: 3600 },
                    { type: "string", pattern: "^[0-9]{1,4}[sm]?$" },
                  ],
                }
              : {
                  type: spec.kind === "integer" ? "integer" : "number",
                  minimum: spec.min ?? 0,
                  maximum: spec.max ?? 1e6,
                };
    node.properties[parts[parts.length - 1]!] = leaf;
  }
  return root;
}

const runConfig: Boundary = {
  name: "run config (file, env, flags)",
  where: "parser",
  run: (o) =>
    check(
      "run config (file, env, flags)",
      "parser",
      o,
      fc.tuple(
        fuzzTexts(runConfigSchema()),
        fc.oneof(
          fc.constant([]),
          fc.array(
            fc.oneof(
              fc.constantFrom(...runKeys.flatMap((k) => (k.flag ? [`--${k.flag}`] : []))),
              fc.string({ maxLength: 12 }),
            ),
            { maxLength: 6 },
          ),
        ),
        fc.oneof(
          fc.constant({}),
          fc.dictionary(
            fc.constantFrom(...runKeys.flatMap((k) => (k.env ? [k.env] : []))),
            fc.string({ maxLength: 12 }),
            { maxKeys: 3 },
          ),
        ),
      ),
      ([file, argv, env], tally) => {
        tally.add(
          parserOutcome(
            () =>
              loadRunConfig({
                argv: ["--config", "fuzz.json", ...argv],
                env,
                readText: () => file,
              }),
            ["RUN_CONFIG_INVALID"],
          ),
        );
      },
    ),
};

/** The file path rule is a zod refinement, which JSON Schema cannot carry: given here as a pattern. */
function withPath(json: JsonSchema): JsonSchema {
  return {
    ...json,
    properties: {
      ...json.properties,
      path: { type: "string", pattern: "^(/[a-z0-9._ -]{1,12}){1,4}$" },
    },
  };
}

export function parserBoundaries(): Boundary[] {
  return [
    jwt,
    jwtClaimsSane,
    schemaBoundary(
      "upload-init body schema",
      withPath(jsonSchemaOf(uploadInitSchema)),
      zodParse(uploadInitSchema),
      ["REQUEST_INVALID"],
    ),
    schemaBoundary(
      "commit body schema",
      withPath(jsonSchemaOf(commitSchema)),
      zodParse(commitSchema),
      ["REQUEST_INVALID"],
    ),
    scenarioFile,
    runConfig,
    ...formatFileBoundaries(),
  ];
}
