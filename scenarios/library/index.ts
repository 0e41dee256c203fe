// The scenario library, by name, and loadScenario: a library name or a path to a JSON file,
// validated either way, so the CLI and k6 export see the same checked object.
import { readFileSync } from "node:fs";
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import { didYouMean } from "../did-you-mean.ts";
import type { Scenario, ScenarioInput } from "../scenario.ts";
import { validateScenario, validateScenarioJson } from "../scenario-validate.ts";
import { deltaEditStorm, deltaEditStormC08 } from "./delta-edit-storm.ts";
import { designPeak25k } from "./design-peak-25k.ts";
import { hotDownloads } from "./hot-downloads.ts";
import { smoke } from "./smoke.ts";
import { websocketFanout } from "./websocket-fanout.ts";

export const scenarioLibrary: ReadonlyMap<string, ScenarioInput> = new Map(
  [designPeak25k, deltaEditStorm, deltaEditStormC08, hotDownloads, websocketFanout, smoke].map(
    (s) => [s.name, s],
  ),
);

export function loadScenario(nameOrPath: string): Scenario {
  const entry = scenarioLibrary.get(nameOrPath);
  if (entry) return validateScenario(entry, nameOrPath);
  if (nameOrPath.endsWith(".json")) {
    let text: string;
    try {
      text = readFileSync(nameOrPath, "utf8");
    } catch (error) {
      throw new SyncbenchError("SCENARIO_NOT_FOUND", `cannot read scenario file ${nameOrPath}`, {
        cause: error,
      });
    }
    return validateScenarioJson(text, nameOrPath);
  }
  const names = [...scenarioLibrary.keys()];
  const guess = didYouMean(nameOrPath, names);
  throw new SyncbenchError(
    "SCENARIO_INVALID",
    `no scenario "${nameOrPath}" in the library${guess ? ` (did you mean "${guess}"?)` : ""}`,
    { hint: `library: ${names.join(", ")}; or pass a path to a .json scenario` },
  );
}
