// The four layers of `syncbench run`'s configuration as raw values by key path, before they
// are checked and merged (run-config.ts): the flags (parseArgs, not strict, so every unknown
// flag is reported with the others), SYNCBENCH_RUN_* variables, a --config JSON file
// (flattened to dotted paths), and the recorded options of a --rerun results file.
import { parseArgs } from "node:util";
import { isSyncbenchError } from "../../reference-impl/core/errors.ts";
import { didYouMean } from "../did-you-mean.ts";
import { readResults } from "../measure/results-file.ts";
import { runKeys, type KeySpec } from "./run-config-keys.ts";

export type Source = "default" | "file" | "env" | "flag";

export interface Layer {
  readonly source: Source;
  /** Where a value was given, for messages: "--rate", "SYNCBENCH_RUN_SEED", "run.json: seed". */
  readonly where: (spec: KeySpec) => string;
  readonly values: Map<string, unknown>;
}

const extraFlags = {
  config: { type: "string" },
  rerun: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

const flagOptions = Object.fromEntries([
  ...runKeys
    .filter((k) => k.flag)
    .map((k) => [k.flag!, { type: k.kind === "boolean" ? "boolean" : "string" }] as const),
  ...Object.entries(extraFlags),
]) as Record<string, { type: "string" | "boolean"; short?: string }>;

const envPrefix = "SYNCBENCH_RUN_";
const knownEnv = runKeys.flatMap((k) => (k.env ? [k.env] : []));
const filePaths = runKeys.map((k) => k.path);
/** A did-you-mean, unless the candidate is much shorter than the word (not a typo of it). */
const suggest = (word: string, candidates: readonly string[], prefix = "") => {
  const near = didYouMean(word, candidates);
  return near && near.length * 2 >= word.length ? ` (did you mean "${prefix}${near}"?)` : "";
};

export interface Argv {
  readonly flags: Layer;
  readonly configPath?: string;
  readonly rerunPath?: string;
  readonly json: boolean;
}

export function flagLayer(argv: readonly string[], problems: string[]): Argv {
  const { values, tokens } = parseArgs({
    args: [...argv],
    options: flagOptions,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  // An unknown flag's value ("--rat 3") is its own, not a second scenario argument.
  const consumed = new Set<number>();
  for (const t of tokens) {
    if (t.kind !== "option") continue;
    const known = flagOptions[t.name];
    if (!known) {
      problems.push(`unknown flag --${t.name}${suggest(t.name, Object.keys(flagOptions), "--")}`);
      if (t.value === undefined) consumed.add(t.index + 1);
    } else if (known.type === "string" && typeof t.value !== "string") {
      problems.push(`--${t.name} needs a value`);
    } else if (known.type === "boolean" && t.value !== undefined) {
      problems.push(`--${t.name} takes no value, got "${t.value}"`);
    }
  }
  const positionals = tokens.flatMap((t) =>
    t.kind === "positional" && !consumed.has(t.index) ? [t.value] : [],
  );
  const map = new Map<string, unknown>();
  for (const spec of runKeys) {
    const raw = spec.flag ? values[spec.flag] : undefined;
    if (raw === undefined || (spec.kind !== "boolean" && typeof raw !== "string")) continue;
    map.set(spec.path, spec.flag?.startsWith("no-") === true ? !raw : raw);
  }
  if (positionals.length > 1) {
    problems.push(
      `expected one scenario name or .json path, got ${positionals.length}: ${positionals.join(" ")}`,
    );
  } else if (positionals.length === 1) map.set("scenario", positionals[0]);
  const str = (name: string) =>
    typeof values[name] === "string" ? (values[name] as string) : undefined;
  return {
    flags: {
      source: "flag",
      where: (s) => (s.flag ? `--${s.flag}` : "the scenario argument"),
      values: map,
    },
    ...(str("config") !== undefined ? { configPath: str("config") } : {}),
    ...(str("rerun") !== undefined ? { rerunPath: str("rerun") } : {}),
    json: values.json === true,
  };
}

export function envLayer(
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
): Layer {
  const values = new Map<string, unknown>();
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined || raw === "") continue;
    const spec = runKeys.find((k) => k.env === name);
    if (spec) values.set(spec.path, raw);
    else if (name.startsWith(envPrefix))
      problems.push(`unknown variable ${name}${suggest(name, knownEnv)}`);
  }
  return { source: "env", where: (s) => s.env!, values };
}

/** A config file's keys, flattened to dotted paths; unknown keys are problems. */
function flatten(
  object: Record<string, unknown>,
  label: string,
  problems: string[],
): Map<string, unknown> {
  const values = new Map<string, unknown>();
  const visit = (node: Record<string, unknown>, prefix: string) => {
    for (const [key, raw] of Object.entries(node)) {
      const path = `${prefix}${key}`;
      const isGroup = filePaths.some((p) => p.startsWith(`${path}.`));
      if (isGroup && raw !== null && typeof raw === "object" && !Array.isArray(raw)) {
        visit(raw as Record<string, unknown>, `${path}.`);
      } else if (isGroup)
        problems.push(`${label}: ${path} must be an object, got ${JSON.stringify(raw)}`);
      else if (filePaths.includes(path)) values.set(path, raw);
      else problems.push(`${label}: unknown key "${path}"${suggest(path, filePaths)}`);
    }
  };
  visit(object, "");
  return values;
}

export function fileLayer(
  path: string,
  readText: (p: string) => string,
  problems: string[],
): Layer {
  const empty: Layer = {
    source: "file",
    where: (s) => `${path}: ${s.path}`,
    values: new Map(),
  };
  let text: string;
  try {
    text = readText(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== "ENOENT" && code !== "EACCES" && code !== "EISDIR") throw error;
    problems.push(`--config ${path}: cannot read it (${code})`);
    return empty;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    problems.push(`--config ${path}: not JSON (${(error as Error).message})`);
    return empty;
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    problems.push(
      `--config ${path}: must hold a JSON object, got ${JSON.stringify(parsed).slice(0, 40)}`,
    );
    return empty;
  }
  return {
    ...empty,
    values: flatten(parsed as Record<string, unknown>, path, problems),
  };
}

/** --rerun: the recorded non-default options, except those the recorded scenario has baked in. */
export function rerunLayer(
  path: string,
  problems: string[],
): { layer: Layer; scenario?: Record<string, unknown> } {
  const layer: Layer = {
    source: "file",
    where: (s) => `${path} (recorded): ${s.path}`,
    values: new Map(),
  };
  try {
    const results = readResults(path);
    const recorded = results.config.overrides;
    for (const spec of runKeys) {
      const from = recorded[`from.${spec.path}`];
      const value = recorded[spec.path];
      if (value === undefined || from === undefined || from === "default") continue;
      if (spec.shapesScenario || spec.path === "out") continue;
      layer.values.set(spec.path, value);
    }
    return { layer, scenario: results.scenario };
  } catch (error) {
    if (!isSyncbenchError(error)) throw error;
    problems.push(`--rerun ${path}: ${error.message}`);
    return { layer };
  }
}
