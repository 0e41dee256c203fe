// `syncbench run <scenario>`: replays a scenario against the configured stack (or the built-in
// test target) with the open-model driver, prints a progress line each second and a summary,
// and writes the versioned results.json. Exit 0 targets held, 4 a target missed, 1 the run was
// generator-bound (invalid as a measurement) or an operation had no success at all, 2 bad usage
// or scenario, 3 no target configured.
import { writeFileSync } from "node:fs";
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import { exitCodes } from "../../reference-impl/runtime/exit-codes.ts";
import { defaultDriverLimits } from "../../scenarios/drivers/http-open-model.ts";
import { loadScenario, scenarioLibrary } from "../../scenarios/library/index.ts";
import { stackSecrets } from "../../reference-impl/stack/native/app-services.ts";
import { NativeProvider } from "../../reference-impl/stack/native/native-provider.ts";
import { loadStackConfig } from "../../reference-impl/stack/stack-config.ts";
import { deviceAuth, tokenSigner } from "../../scenarios/drivers/tokens.ts";
import { stackDevicesRunner } from "../../scenarios/run/stack-devices.ts";
import {
  defaultPrepareBounds,
  type PrepareBounds,
} from "../../scenarios/drivers/delta-prepare.ts";
import type { Results } from "../../scenarios/results.schema.ts";
import { toMeasuredOps } from "../../scenarios/measure/measured-ops.ts";
import { writeResults } from "../../scenarios/measure/results-file.ts";
import { applyOverrides, type RunOverrides } from "../../scenarios/run/effective.ts";
import { runScenario } from "../../scenarios/run/run-scenario.ts";
import { progressLine, summaryLines } from "../../scenarios/run/summary.ts";
import { openTarget } from "../../scenarios/targets/open-target.ts";
import { commonOptions, parseFlags, UsageError, type Command } from "../command.ts";
import type { CliContext } from "../context.ts";
import { kneeCommand } from "../../scenarios/run/knee-command.ts";

const help = `usage: syncbench run <scenario|file.json> [--target URL|builtin]
                     [--rate R | --scale F]
                     [--duration S] [--warmup S] [--seed N] [--no-websocket] [--out FILE] [--json]

Replays the scenario with the open-model HTTP driver: every request at its intended time,
latency from that time (no coordinated omission), service time from the actual send.
  --target URL|builtin  the gateway (loopback only); default $SYNCBENCH_GATEWAY_URL, else the
                        gateway of the stack \`syncbench up\` started.
                        "builtin" serves every route with fixed service times (driver check).
  --rate R              peak arrival rate in req/s (the mix keeps its shares)
  --scale F             multiply every rate (and the WebSocket population) by F
  --duration S          run length in seconds, warm-up included
  --out FILE            results file (default .syncbench/results/<scenario>.json)
  --prepare-users N     real stack: the Zipf population of delta uploads, the scenario's
                        first N users (default 64); drawn users get a committed 4 MiB file
  --prepare-files N     most files per user (default 8; enough that the hottest user's
                        files are each edited every 2 s at the peak)
  --prepare-edits N     most delta edits encoded before the load (default 20000, ~13 ms each)
  --prepare-s S         time bound of that prepare phase (default 180)
  --measured-ops FILE   also write the simulator's calibration input (syncbench.measured-ops)
  --find-knee           double the rate from --knee-start (default 100/s) up to the
                        scenario's peak, bisect, and report the highest rate whose HTTP
                        targets hold and what saturated first; --duration is per step (10 s)
Operations whose service is not in the stack are reported "not available in this stack".
Library: ${[...scenarioLibrary.keys()].join(", ")}
Exit codes: 0 targets held; 4 a target missed; 1 generator-bound run or failure;
2 usage or invalid scenario; 3 no target configured or the stack is unhealthy.`;

function numberFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`--${name} must be a positive number, got "${value}"`);
  return n;
}

const flags = {
  ...commonOptions,
  target: { type: "string" },
  rate: { type: "string" },
  scale: { type: "string" },
  duration: { type: "string" },
  warmup: { type: "string" },
  seed: { type: "string" },
  out: { type: "string" },
  "no-websocket": { type: "boolean" },
  "find-knee": { type: "boolean" },
  "measured-ops": { type: "string" },
  "knee-start": { type: "string" },
  "prepare-users": { type: "string" },
  "prepare-edits": { type: "string" },
  "prepare-s": { type: "string" },
  "prepare-files": { type: "string" },
} as const;

function prepareBounds(values: Record<string, string | boolean | undefined>): PrepareBounds {
  const flag = (k: string) => numberFlag(values[k] as string | undefined, k);
  const d = defaultPrepareBounds;
  return {
    usersMax: Math.floor(flag("prepare-users") ?? d.usersMax),
    editsMax: Math.floor(flag("prepare-edits") ?? d.editsMax),
    filesPerUserMax: Math.floor(flag("prepare-files") ?? d.filesPerUserMax),
    timeS: flag("prepare-s") ?? d.timeS,
  };
}

function overridesOf(values: Record<string, string | boolean | undefined>): RunOverrides {
  const str = (k: string) => (typeof values[k] === "string" ? (values[k] as string) : undefined);
  const warmup = str("warmup");
  const seed = str("seed");
  if (seed !== undefined && !/^\d+$/.test(seed))
    throw new UsageError(`--seed must be an integer, got "${seed}"`);
  return {
    ...(str("rate") !== undefined ? { ratePerS: numberFlag(str("rate"), "rate") } : {}),
    ...(str("scale") !== undefined ? { scale: numberFlag(str("scale"), "scale") } : {}),
    ...(str("duration") !== undefined
      ? { durationS: numberFlag(str("duration"), "duration") }
      : {}),
    ...(warmup !== undefined ? { warmupS: Number(warmup) } : {}),
    ...(seed !== undefined ? { seed: Number(seed) } : {}),
  };
}

/** The gateway of the stack `syncbench up` started, when it is running; else undefined. */
async function runningGateway(ctx: CliContext): Promise<string | undefined> {
  const status = await new NativeProvider(loadStackConfig(ctx.env).native).status();
  const gateway = status.services.find((s) => s.name === "nginx");
  return gateway?.healthy ? status.endpoints.gatewayUrl : undefined;
}

/** --target, else SYNCBENCH_GATEWAY_URL, else the running stack's gateway; none: an error. */
async function targetSpecOf(flag: string | undefined, ctx: CliContext): Promise<string> {
  const spec = flag ?? ctx.env.SYNCBENCH_GATEWAY_URL ?? (await runningGateway(ctx));
  if (spec) return spec;
  throw new SyncbenchError("ENV_TARGET_MISSING", "no target to run against: no stack is up", {
    hint:
      "npx syncbench up, or pass --target http://127.0.0.1:PORT (or --target builtin), " +
      "or set SYNCBENCH_GATEWAY_URL",
  });
}

/** The stack's JWT secret: SYNCBENCH_JWT_SECRET, else the one `syncbench token` signs with. */
function jwtSecret(env: Readonly<Record<string, string | undefined>>): string {
  return env.SYNCBENCH_JWT_SECRET ?? stackSecrets(loadStackConfig(env).native).jwtSecret;
}

/** Generator-bound or an operation without a single success: 1; a missed target: 4. */
function exitCodeOf(results: Results, err: (line: string) => void): number {
  if (results.saturation.by === "generator") return exitCodes.failure;
  const failed = results.operations.filter(
    (o) => o.status === "measured" && o.counts.ok === 0 && o.counts.error > 0,
  );
  if (failed.length > 0) {
    err(`every request of ${failed.map((o) => o.name).join(", ")} failed (exit 1)`);
    return exitCodes.failure;
  }
  return results.targets.some((t) => t.verdict === "missed")
    ? exitCodes.targetMissed
    : exitCodes.ok;
}

export const command: Command = {
  summary: "replay a scenario with the open-model driver and write results.json",
  help,
  async run(args, ctx) {
    const { values, positionals } = parseFlags(args, flags);
    if (positionals.length !== 1)
      throw new UsageError("expected exactly one scenario name or .json path");
    const overrides = overridesOf(values);
    const scenario = applyOverrides(loadScenario(positionals[0]!), overrides);
    const targetSpec = await targetSpecOf(values.target, ctx);
    const ws = scenario.websocket;
    const target = await openTarget(targetSpec, {
      websocket: !values["no-websocket"] && !values["find-knee"],
      devicesMax: ws ? ws.connectedUsersCount * ws.devicesPerUserMax : 0,
    });
    ctx.err(
      `syncbench run ${scenario.name}: target ${target.label}, seed ${scenario.seed}, ` +
        `effective ${JSON.stringify({ arrival: scenario.arrival, warmupS: scenario.warmupS })}, ` +
        `mix ${JSON.stringify(scenario.mix)}`,
    );
    const secret = targetSpec === "builtin" ? undefined : jwtSecret(ctx.env);
    const tokenFor = secret ? tokenSigner(secret, Date.now()) : undefined;
    // The stack's devices present their users' tokens; the built-in hub takes none.
    const connectDevices =
      secret && target.connectDevices
        ? stackDevicesRunner(target.baseUrl, deviceAuth(secret, Date.now()))
        : target.connectDevices;
    try {
      if (values["find-knee"]) {
        return await kneeCommand(ctx, {
          scenario,
          target,
          out: values.out,
          json: values.json,
          durationS: overrides.durationS,
          startRatePerS: numberFlag(values["knee-start"], "knee-start"),
          tokenFor,
          ...(tokenFor ? { prepareDeltas: prepareBounds(values) } : {}),
        });
      }
      const results = await runScenario({
        scenario,
        baseUrl: target.baseUrl,
        targetLabel: target.label,
        limits: defaultDriverLimits,
        overrides: { ...overrides },
        version: "0.1.0",
        log: (line) => ctx.err(line),
        onProgress: (p) => ctx.err(progressLine(p)),
        ...(connectDevices ? { connectDevices } : {}),
        ...(tokenFor ? { tokenFor, prepareDeltas: prepareBounds(values) } : {}),
      });
      const out = values.out ?? `.syncbench/results/${scenario.name}.json`;
      writeResults(out, results);
      if (values["measured-ops"]) {
        writeFileSync(
          values["measured-ops"],
          `${JSON.stringify(toMeasuredOps(results), null, 2)}\n`,
        );
      }
      if (values.json) ctx.out(JSON.stringify(results));
      else [...summaryLines(results), `  results: ${out}`].forEach((l) => ctx.out(l));
      return exitCodeOf(results, (line) => ctx.err(line));
    } finally {
      await target.close();
    }
  },
};
