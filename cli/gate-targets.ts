// Where `syncbench gate --targets X` finds its targets, handed to reports/gate as data (reports/
// may not import the scenario library): a targets file ("syncbench.targets") or a scenario file
// (.json) by path; a scenario name: the targets the results file recorded when the run was of that
// scenario (what the run was judged against, scale and overrides included), else that library
// scenario's targets, with a note that the run was of another scenario.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseTargetsFile } from "../formats/targets.schema.ts";
import type { Results } from "../formats/results.schema.ts";
import type { GateTarget } from "../reports/gate/gate.ts";
import { loadScenario } from "../scenarios/library/index.ts";
import { readInputFile } from "./read-file.ts";

export interface ResolvedTargets {
  readonly targets: readonly GateTarget[];
  /** Where they came from, in words, for the first line the gate prints. */
  readonly source: string;
}

function fromScenarioTargets(
  targets: Record<string, { max: number; claims: string[]; figure: string }>,
) {
  return Object.entries(targets).map(([metric, t]) => ({ metric, ...t }));
}

function fromFile(path: string, cwd: string): ResolvedTargets {
  const text = readInputFile(path, cwd, "targets file");
  const kind = /"kind"\s*:\s*"syncbench\.targets"/.test(text);
  if (kind) {
    const file = parseTargetsFile(text, path);
    const targets = Object.entries(file.targets).map(([metric, t]) => ({ metric, ...t }));
    return { targets, source: `targets file ${path}` };
  }
  const scenario = loadScenario(resolve(cwd, path));
  return { targets: fromScenarioTargets(scenario.targets), source: `scenario file ${path}` };
}

export function resolveTargets(spec: string, results: Results, cwd: string): ResolvedTargets {
  if (spec.endsWith(".json") || existsSync(resolve(cwd, spec))) return fromFile(spec, cwd);
  const ranScenario = results.scenario.name;
  if (ranScenario === spec) {
    const targets = results.targets.map((t) => ({
      metric: t.metric,
      max: t.max,
      claims: t.claims,
      figure: t.figure,
    }));
    return { targets, source: `scenario ${spec}'s targets as the results file recorded them` };
  }
  const scenario = loadScenario(spec);
  return {
    targets: fromScenarioTargets(scenario.targets),
    source: `library scenario ${spec}'s targets (the run was of scenario ${String(ranScenario)})`,
  };
}
