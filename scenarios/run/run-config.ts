// The configuration of `syncbench run`, parsed once at the entry point (STYLE.md section 4):
// defaults -> config file (`--config path.json`, or the recorded options of `--rerun
// results.json`) -> environment (SYNCBENCH_RUN_*, and SYNCBENCH_GATEWAY_URL for the target) ->
// CLI flags. Four layers, each key from the highest layer that sets it, into a frozen, typed
// object that also says where each value came from. env and argv are arguments, so tests pass
// plain objects. Unknown keys, variables and flags are errors with a did-you-mean; every problem
// is reported at once, with where it was, the value and the limit (RUN_CONFIG_INVALID, exit 2).
import { readFileSync } from "node:fs";
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import {
  envLayer,
  fileLayer,
  flagLayer,
  rerunLayer,
  type Layer,
  type Source,
} from "./run-config-layers.ts";
import { parseValue, runKeys } from "./run-config-keys.ts";

export type { Source };
type Value = string | number | boolean;

export interface RunConfig {
  /** Library name or .json path; for a rerun, the recorded scenario's name. */
  readonly scenario: string;
  readonly target?: string;
  readonly ratePerS?: number;
  readonly scale?: number;
  readonly durationS?: number;
  readonly warmupS?: number;
  readonly seed?: number;
  readonly out?: string;
  readonly websocket: boolean;
  /** No target configured and no stack up: start the stack (`up`) rather than refuse. */
  readonly startStack: boolean;
  readonly findKnee: boolean;
  readonly kneeStartRatePerS?: number;
  readonly measuredOps?: string;
  readonly prepare: {
    readonly usersMax: number;
    readonly filesPerUserMax: number;
    readonly editsMax: number;
    readonly timeS: number;
  };
  readonly json: boolean;
  /** The file layer: a --config file or the results file of --rerun. */
  readonly configFile?: string;
  /** --rerun: the recorded effective scenario, rerun as it stands. */
  readonly rerunScenario?: Readonly<Record<string, unknown>>;
  /** Where each key's value came from, by its config-file path ("prepare.usersMax"). */
  readonly sources: Readonly<Record<string, Source>>;
}

export interface ConfigInput {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readText?: (path: string) => string;
}

interface Chosen {
  value?: Value;
  source: Source;
}

/** Each key from the highest layer that sets it; every given value is checked, even if overridden. */
function merge(layers: readonly Layer[], problems: string[]): Map<string, Chosen> {
  const chosen = new Map<string, Chosen>();
  for (const spec of runKeys) {
    let pick: Chosen =
      spec.default !== undefined
        ? { value: spec.default, source: "default" }
        : { source: "default" };
    for (const layer of layers) {
      if (!layer.values.has(spec.path)) continue;
      const parsed = parseValue(spec, layer.values.get(spec.path));
      if (parsed.ok) pick = { value: parsed.value, source: layer.source };
      else problems.push(`${layer.where(spec)} ${parsed.problem}`);
    }
    chosen.set(spec.path, pick);
  }
  // Rate and scale are one setting: a higher layer's choice drops a lower layer's other one.
  const rate = chosen.get("ratePerS")!;
  const scale = chosen.get("scale")!;
  if (rate.value !== undefined && scale.value !== undefined) {
    const rank = (s: Source) => ["default", "file", "env", "flag"].indexOf(s);
    if (rate.source === scale.source) {
      problems.push(
        `ratePerS and scale exclude each other; both were given (${rate.source}): give one`,
      );
    } else if (rank(rate.source) > rank(scale.source)) chosen.set("scale", { source: "default" });
    else chosen.set("ratePerS", { source: "default" });
  }
  return chosen;
}

function build(
  chosen: Map<string, Chosen>,
  extra: Pick<RunConfig, "json" | "configFile" | "rerunScenario">,
): RunConfig {
  const v = (path: string) => chosen.get(path)?.value;
  const defined = (key: string, path = key) => (v(path) !== undefined ? { [key]: v(path) } : {});
  const sources = Object.fromEntries([...chosen].map(([path, c]) => [path, c.source]));
  const config = {
    scenario: v("scenario") as string,
    ...defined("target"),
    ...defined("ratePerS"),
    ...defined("scale"),
    ...defined("durationS"),
    ...defined("warmupS"),
    ...defined("seed"),
    ...defined("out"),
    ...defined("kneeStartRatePerS"),
    ...defined("measuredOps"),
    websocket: v("websocket") as boolean,
    startStack: v("startStack") as boolean,
    findKnee: v("findKnee") as boolean,
    prepare: Object.freeze({
      usersMax: v("prepare.usersMax") as number,
      filesPerUserMax: v("prepare.filesPerUserMax") as number,
      editsMax: v("prepare.editsMax") as number,
      timeS: v("prepare.timeS") as number,
    }),
    ...extra,
    sources: Object.freeze(sources),
  };
  return Object.freeze(config) as RunConfig;
}

export function loadRunConfig(input: ConfigInput): RunConfig {
  const problems: string[] = [];
  const argv = flagLayer(input.argv, problems);
  const layers: Layer[] = [];
  let rerunScenario: Record<string, unknown> | undefined;
  if (argv.configPath !== undefined && argv.rerunPath !== undefined) {
    problems.push("--config and --rerun are both a file layer: give one");
  } else if (argv.configPath !== undefined) {
    layers.push(
      fileLayer(argv.configPath, input.readText ?? ((p) => readFileSync(p, "utf8")), problems),
    );
  } else if (argv.rerunPath !== undefined) {
    const rerun = rerunLayer(argv.rerunPath, problems);
    layers.push(rerun.layer);
    rerunScenario = rerun.scenario;
  }
  layers.push(envLayer(input.env, problems), argv.flags);
  const chosen = merge(layers, problems);
  if (rerunScenario) {
    if (argv.flags.values.has("scenario")) {
      problems.push("--rerun reruns the recorded scenario: drop the scenario argument");
    }
    chosen.set("scenario", {
      value: String(rerunScenario.name),
      source: "file",
    });
  } else if (chosen.get("scenario")?.value === undefined && argv.rerunPath === undefined) {
    problems.push("no scenario: give a library name or a .json path (or scenario in --config)");
  }
  if (problems.length > 0) {
    throw new SyncbenchError(
      "RUN_CONFIG_INVALID",
      `invalid run configuration: ${problems.join("; ")}; nothing was run`,
      {
        hint: "syncbench run --help lists the flags; a --config file takes the same options by their long names",
      },
    );
  }
  const file = argv.configPath ?? argv.rerunPath;
  return build(chosen, {
    json: argv.json,
    ...(file !== undefined ? { configFile: file } : {}),
    ...(rerunScenario ? { rerunScenario: Object.freeze(rerunScenario) } : {}),
  });
}

/**
 * The effective configuration as results.json's config.overrides records it: every key with a
 * value ("prepare.usersMax": 64), where it came from ("from.prepare.usersMax": "default"), and
 * the file layer's path. Booleans are recorded as "true"/"false" (the schema takes strings and
 * numbers). --rerun reads it back.
 */
export function recordOf(config: RunConfig): Record<string, string | number> {
  const record: Record<string, string | number> = {};
  const flat: Record<string, unknown> = {
    ...config,
    ...Object.fromEntries(Object.entries(config.prepare).map(([k, v]) => [`prepare.${k}`, v])),
  };
  for (const spec of runKeys) {
    const value = flat[spec.path] as Value | undefined;
    if (value !== undefined) record[spec.path] = typeof value === "boolean" ? String(value) : value;
    record[`from.${spec.path}`] = config.sources[spec.path] ?? "default";
  }
  if (config.configFile !== undefined) record.configFile = config.configFile;
  return record;
}
