// What `syncbench k6` does: `export` writes a scenario (with its rate, scale and duration
// overrides) as a k6 TypeScript script and the data file it reads (k6-data.ts: request material
// prepared against the target stack) into one folder; `run` is refused. syncbench does not build
// k6: go.k6.io/k6 is under the AGPL, which the project's package policy marks not-to-use, so no k6
// module is fetched or built here; the refusal says so (ENV_K6_MISSING, exit 3) rather than
// pretending, naming a k6 found on the PATH. The exported script stays for a k6 run elsewhere.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import { exportK6Script } from "./k6-export.ts";
import { prepareK6Data, type K6DataBounds } from "./k6-data.ts";
import { loadScenario } from "../library/index.ts";
import { applyOverrides, type RunOverrides } from "../run/effective.ts";

export interface K6ExportRequest {
  /** A library scenario's name or a scenario .json file. */
  readonly scenario: string;
  readonly overrides: RunOverrides;
  /** The folder that receives script.ts and data.json. */
  readonly outputDir: string;
  /** The stack the data is prepared on: its gateway and JWT secret. */
  readonly baseUrl: string;
  readonly secret: string;
  readonly bounds: K6DataBounds;
  readonly log: (line: string) => void;
}

export interface K6ExportWritten {
  readonly script: string;
  readonly data: string;
  readonly usersCount: number;
  readonly editsCount: number;
}

/** Prepares the data on the stack, then writes the script beside it. */
export async function exportK6Files(request: K6ExportRequest): Promise<K6ExportWritten> {
  const scenario = applyOverrides(loadScenario(request.scenario), request.overrides);
  const data = await prepareK6Data({
    baseUrl: request.baseUrl,
    secret: request.secret,
    scenario,
    bounds: request.bounds,
    nowMs: Date.now(),
    log: request.log,
  });
  const script = exportK6Script(scenario, {
    generatedFor: `seed ${scenario.seed}, data prepared on ${request.baseUrl} ${data.preparedAt}`,
    usersCount: data.users.length,
  });
  mkdirSync(request.outputDir, { recursive: true });
  const scriptPath = join(request.outputDir, "script.ts");
  const dataPath = join(request.outputDir, "data.json");
  writeFileSync(dataPath, JSON.stringify(data));
  writeFileSync(scriptPath, script);
  return {
    script: scriptPath,
    data: dataPath,
    usersCount: data.users.length,
    editsCount: data.edits.length,
  };
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
export function refuseK6Run(request: Pick<K6ExportRequest, "scenario" | "overrides">): never {
  applyOverrides(loadScenario(request.scenario), request.overrides);
  const version = k6Version();
  throw new SyncbenchError(
    "ENV_K6_MISSING",
    version
      ? `k6 run is not part of syncbench (found ${version}); k6 export writes the script`
      : "syncbench does not build k6: go.k6.io/k6 is AGPL-licensed (not-to-use here)",
    {
      hint:
        `syncbench k6 export ${request.scenario} -o DIR, ` +
        "then k6 run DIR/script.ts where k6 exists",
    },
  );
}
