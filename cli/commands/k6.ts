// `syncbench k6 export <scenario> -o script.ts`: the scenario as a k6 TypeScript script
// (arrival-rate executors, thresholds from the targets). `k6 run` needs a k6 binary, and
// syncbench does not build one: go.k6.io/k6 is under the AGPL, which the project's package
// policy marks not-to-use, so no k6 module is fetched or built here. It says so and exits 3
// rather than pretending; the exported script stays for a k6 someone runs outside the project.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import { exportK6Script } from "../../scenarios/k6/k6-export.ts";
import { loadScenario } from "../../scenarios/library/index.ts";
import { applyOverrides } from "../../scenarios/run/effective.ts";
import { commonOptions, parseFlags, UsageError, type Command } from "../command.ts";

const help = `usage: syncbench k6 export <scenario|file.json> -o script.ts [--rate R | --scale F]
                       [--duration S]
       syncbench k6 run <scenario>        (not built: see below)

export writes a k6 TypeScript script: one constant- or ramping-arrival-rate scenario per
operation (its share of the rate), WebSocket devices on k6/websockets, thresholds from the
scenario's targets on the measured phase, and dropped_iterations < 1. The gateway comes from
SYNCBENCH_GATEWAY_URL when k6 runs (default http://127.0.0.1:8080).
run: syncbench does not build k6 (go.k6.io/k6 is AGPL-licensed, not-to-use under the
project's package policy) and exits 3; the built-in driver (syncbench run) is the measurement.`;

function k6Version(): string | undefined {
  try {
    return execFileSync("k6", ["version"], { encoding: "utf8", timeout: 10_000 }).trim();
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return undefined;
    throw error;
  }
}

export const command: Command = {
  summary: "export a scenario as a k6 TypeScript script (k6 export), k6 run",
  help,
  async run(args, ctx) {
    const { values, positionals } = parseFlags(args, {
      ...commonOptions,
      output: { type: "string", short: "o" },
      rate: { type: "string" },
      scale: { type: "string" },
      duration: { type: "string" },
    });
    const [sub, name, ...rest] = positionals;
    if ((sub !== "export" && sub !== "run") || !name || rest.length > 0) {
      throw new UsageError('expected "k6 export <scenario> -o script.ts" or "k6 run <scenario>"');
    }
    const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
    const overrides = {
      ...(values.rate ? { ratePerS: num(values.rate) } : {}),
      ...(values.scale ? { scale: num(values.scale) } : {}),
      ...(values.duration ? { durationS: num(values.duration) } : {}),
    };
    const scenario = applyOverrides(loadScenario(name), overrides);
    if (sub === "run") {
      const version = k6Version();
      throw new SyncbenchError(
        "ENV_K6_MISSING",
        version
          ? `k6 run is not part of syncbench (found ${version}); k6 export writes the script`
          : "syncbench does not build k6: go.k6.io/k6 is AGPL-licensed (not-to-use here)",
        {
          hint: `syncbench k6 export ${name} -o script.ts, then k6 run script.ts where k6 exists`,
        },
      );
    }
    if (!values.output) throw new UsageError("k6 export needs -o script.ts");
    const script = exportK6Script(scenario, `seed ${scenario.seed}`);
    writeFileSync(values.output, script);
    ctx.out(
      values.json
        ? JSON.stringify({ output: values.output, bytes: script.length })
        : `wrote ${values.output} (${script.length} bytes): k6 run ${values.output}`,
    );
    return 0;
  },
};
