// `syncbench k6 export <scenario> -o script.ts`: the scenario as a k6 TypeScript script
// (arrival-rate executors, thresholds from the targets); `k6 run` is refused with exit 3, as
// scenarios/k6/k6-export-file.ts explains (k6 is AGPL-licensed and not built here).
import { exportK6File, refuseK6Run } from "../../scenarios/k6/k6-export-file.ts";
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
    if (sub === "run") refuseK6Run({ scenario: name, overrides });
    if (!values.output) throw new UsageError("k6 export needs -o script.ts");
    const written = exportK6File({ scenario: name, overrides, outputPath: values.output });
    ctx.out(
      values.json
        ? JSON.stringify(written)
        : `wrote ${written.output} (${written.bytes} bytes): k6 run ${written.output}`,
    );
    return 0;
  },
};
