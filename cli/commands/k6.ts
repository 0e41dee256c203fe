// `syncbench k6 export <scenario> -o DIR`: the scenario as a k6 TypeScript script and its data
// file, prepared against the running stack (or SYNCBENCH_GATEWAY_URL with SYNCBENCH_JWT_SECRET);
// `k6 run` is refused with exit 3, as scenarios/k6/k6-export-file.ts explains (k6 is
// AGPL-licensed and neither built nor run here).
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import { statusIfUp } from "../../reference-impl/stack/stack-access.ts";
import { defaultK6DataBounds } from "../../scenarios/k6/k6-data.ts";
import { exportK6Files, refuseK6Run } from "../../scenarios/k6/k6-export-file.ts";
import { commonOptions, parseFlags, UsageError, type Command } from "../command.ts";
import type { CliContext } from "../context.ts";
import { providerFor } from "../stack-cli.ts";

const help = `usage: syncbench k6 export <scenario|file.json> -o DIR [--rate R | --scale F]
                       [--duration S] [--users-max N] [--edits-max N] [--prepare-s S]
       syncbench k6 run <scenario>        (not built: see below)

export prepares request material on the running stack (one token per user of a population of
at most --users-max users, ${defaultK6DataBounds.filesPerUser} committed files each, the scenario's delta edits encoded against
their blocks) and writes DIR/data.json and DIR/script.ts: one constant- or ramping-arrival-rate
scenario per operation (its share of the rate), WebSocket devices on k6/websockets, thresholds
from the scenario's targets on the measured phase, dropped_iterations < 1. The stack is the one
\`syncbench up\` started, or SYNCBENCH_GATEWAY_URL with SYNCBENCH_JWT_SECRET. k6 reads
SYNCBENCH_GATEWAY_URL when it runs (default http://127.0.0.1:8080).
run: syncbench neither builds nor runs k6 (go.k6.io/k6 is AGPL-licensed, not-to-use under the
project's package policy) and exits 3; the built-in driver (syncbench run) is the measurement.`;

/** The stack to prepare on: the environment's, else the running stack's gateway and secret. */
async function stackOf(ctx: CliContext): Promise<{ baseUrl: string; secret: string }> {
  let baseUrl = ctx.env.SYNCBENCH_GATEWAY_URL;
  let secret = ctx.env.SYNCBENCH_JWT_SECRET;
  if (!baseUrl || !secret) {
    const provider = await providerFor(ctx);
    const status = await statusIfUp(provider);
    const gateway = status?.services.find((s) => s.name === "nginx");
    baseUrl ??= gateway?.healthy ? status?.endpoints.gatewayUrl : undefined;
    secret ??= provider.secrets()?.jwtSecret;
  }
  if (!baseUrl || !secret) {
    throw new SyncbenchError(
      "ENV_TARGET_MISSING",
      "k6 export prepares its data file on a stack, and none is up",
      { hint: "npx syncbench up, or set SYNCBENCH_GATEWAY_URL and SYNCBENCH_JWT_SECRET" },
    );
  }
  return { baseUrl, secret };
}

function positiveInteger(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`--${flag} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return n;
}

export const command: Command = {
  summary: "export a scenario as a k6 TypeScript script and its data file (k6 export), k6 run",
  help,
  async run(args, ctx) {
    const { values, positionals } = parseFlags(args, {
      ...commonOptions,
      output: { type: "string", short: "o" },
      rate: { type: "string" },
      scale: { type: "string" },
      duration: { type: "string" },
      "users-max": { type: "string" },
      "edits-max": { type: "string" },
      "prepare-s": { type: "string" },
    });
    const [sub, name, ...rest] = positionals;
    if ((sub !== "export" && sub !== "run") || !name || rest.length > 0) {
      throw new UsageError('expected "k6 export <scenario> -o DIR" or "k6 run <scenario>"');
    }
    const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
    const overrides = {
      ...(values.rate ? { ratePerS: num(values.rate) } : {}),
      ...(values.scale ? { scale: num(values.scale) } : {}),
      ...(values.duration ? { durationS: num(values.duration) } : {}),
    };
    if (sub === "run") refuseK6Run({ scenario: name, overrides });
    if (!values.output) throw new UsageError("k6 export needs -o DIR");
    if (values.output.endsWith(".ts")) {
      throw new UsageError(
        `-o is now a folder (script.ts and data.json go in it), got ${values.output}`,
      );
    }
    const d = defaultK6DataBounds;
    const bounds = {
      ...d,
      usersMax: positiveInteger("users-max", values["users-max"], d.usersMax),
      editsMax: positiveInteger("edits-max", values["edits-max"], d.editsMax),
      timeS: positiveInteger("prepare-s", values["prepare-s"], d.timeS),
    };
    const written = await exportK6Files({
      scenario: name,
      overrides,
      outputDir: values.output,
      ...(await stackOf(ctx)),
      bounds,
      log: (line) => ctx.err(line),
    });
    ctx.out(
      values.json
        ? JSON.stringify(written)
        : `wrote ${written.script} and ${written.data} (${written.usersCount} users, ` +
            `${written.editsCount} edits): k6 run ${written.script}`,
    );
    return 0;
  },
};
