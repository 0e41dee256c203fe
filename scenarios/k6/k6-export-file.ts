// What `syncbench k6` does: `export` writes a scenario (with its rate, scale and duration
// overrides) as a k6 TypeScript script file; `run` is refused. syncbench does not build k6:
// go.k6.io/k6 is under the AGPL, which the project's package policy marks not-to-use, so no k6
// module is fetched or built here; the refusal says so (ENV_K6_MISSING, exit 3) rather than
// pretending, naming a k6 found on the PATH. The exported script stays for a k6 run elsewhere.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import { exportK6Script } from "./k6-export.ts";
import { loadScenario } from "../library/index.ts";
import { applyOverrides, type RunOverrides } from "../run/effective.ts";

export interface K6ExportRequest {
  /** A library scenario's name or a scenario .json file. */
  readonly scenario: string;
  readonly overrides: RunOverrides;
  readonly outputPath: string;
}

/** Writes the script; returns where and how many bytes (UTF-16 code units, as before). */
export function exportK6File(request: K6ExportRequest): { output: string; bytes: number } {
  const scenario = applyOverrides(loadScenario(request.scenario), request.overrides);
  const script = exportK6Script(scenario, { generatedFor: `seed ${scenario.seed}` });
  writeFileSync(request.outputPath, script);
  return { output: request.outputPath, bytes: script.length };
}

function k6Version(): string | undefined {
  try {
    return execFileSync("k6", ["version"], { encoding: "utf8", timeout: 10_000 }).trim();
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return undefined;
    throw error;
  }
}

/** `k6 run`: always the ENV_K6_MISSING refusal, after checking that the scenario loads. */
export function refuseK6Run(request: Omit<K6ExportRequest, "outputPath">): never {
  applyOverrides(loadScenario(request.scenario), request.overrides);
  const version = k6Version();
  throw new SyncbenchError(
    "ENV_K6_MISSING",
    version
      ? `k6 run is not part of syncbench (found ${version}); k6 export writes the script`
      : "syncbench does not build k6: go.k6.io/k6 is AGPL-licensed (not-to-use here)",
    {
      hint:
        `syncbench k6 export ${request.scenario} -o script.ts, ` +
        "then k6 run script.ts where k6 exists",
    },
  );
}
