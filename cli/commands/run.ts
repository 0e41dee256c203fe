// `syncbench run <scenario>`: replays a scenario against the configured stack (started when none
// is up, unless --no-up; or the built-in test target) with the open-model driver, shows its
// progress (a live line on a terminal, a line each 5 s otherwise) and a summary, and writes the
// versioned results.json. Exit 0 targets held, 4 a target missed, 1 the run was generator-bound
// (invalid as a measurement) or an operation had no success at all, 2 bad usage, configuration
// or scenario, 3 no target (--no-up) or an unhealthy stack. Its options are read once, from four
// layers (scenarios/run/run-config.ts), logged first with their sources and recorded in results.
import { writeFileSync } from "node:fs";
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import { exitCodes } from "../../reference-impl/runtime/exit-codes.ts";
import { syncbenchVersion } from "../../reference-impl/runtime/version.ts";
import { defaultDriverLimits } from "../../scenarios/open-model/http-open-model.ts";
import { loadScenario, scenarioLibrary } from "../../scenarios/library/index.ts";
import type { StackProvider } from "../../reference-impl/stack/provider.ts";
import { statusIfUp } from "../../reference-impl/stack/stack-access.ts";
import { deviceAuth, tokenSigner } from "../../scenarios/operations/tokens.ts";
import { stackDevicesRunner } from "../../scenarios/run/stack-devices.ts";
import type { Results } from "../../formats/results.schema.ts";
import { measuredFromResults } from "../../formats/measured-from-results.ts";
import { writeResults } from "../../scenarios/measure/results-file.ts";
import { applyOverrides, type RunOverrides } from "../../scenarios/run/effective.ts";
import { loadRunConfig, recordOf, type RunConfig } from "../../scenarios/run/run-config.ts";
import { validateScenario } from "../../scenarios/scenario-validate.ts";
import type { Scenario } from "../../scenarios/scenario.ts";
import { runScenario } from "../../scenarios/run/run-scenario.ts";
import { progressLine, summaryLines } from "../../scenarios/run/summary.ts";
import { openTarget } from "../../scenarios/targets/open-target.ts";
import type { Command } from "../command.ts";
import type { CliContext } from "../context.ts";
import { progress, stderrIsTty } from "../progress.ts";
import { providerFor } from "../stack-cli.ts";
import { kneeCommand } from "../../scenarios/run/knee-command.ts";

const help = `usage: syncbench run <scenario|file.json> [--target URL|builtin]
                     [--rate R | --scale F]
                     [--duration S] [--warmup S] [--seed N] [--no-websocket] [--no-up]
                     [--out FILE] [--json]
                     [--config run.json | --rerun results.json]

Replays the scenario with the open-model HTTP driver: every request at its intended time,
latency from that time (no coordinated omission), service time from the actual send.
  --target URL|builtin  the gateway (loopback only); default $SYNCBENCH_GATEWAY_URL, else the
                        gateway of the stack \`syncbench up\` started; when none is up, run
                        starts it (it stays up after the run) unless --no-up is given.
                        "builtin" serves every route with fixed service times (driver check).
  --rate R              peak arrival rate in req/s (the mix keeps its shares)
  --scale F             multiply every rate (and the WebSocket population) by F
  --duration S          run length in seconds ("20", "20s", "2m"), warm-up included
  --out FILE            results file (default .syncbench/results/<scenario>.json)
  --prepare-users N     real stack: the Zipf population of delta uploads, the scenario's
                        first N users (default 64); drawn users get a committed 4 MiB file
  --prepare-files N     most files per user (default 8; enough that the hottest user's
                        files are each edited every 2 s at the peak)
  --prepare-edits N     most delta edits encoded before the load (default 20000, ~13 ms each)
  --prepare-s S         time bound of that prepare phase (default 180)
  --measured-ops FILE   also write the simulator's calibration input (syncbench.measured-ops),
                        exactly what \`calibrate\` reads from the results file
  --find-knee           double the rate from --knee-start (default 100/s) up to the
                        scenario's peak, bisect, and report the highest rate whose HTTP
                        targets hold and what saturated first; --duration is per step (10 s)
  --config FILE         a JSON object of the same options by name: scenario, target, ratePerS,
                        scale, durationS, warmupS, seed, out, websocket, findKnee,
                        kneeStartRatePerS, measuredOps, prepare: { usersMax, filesPerUserMax,
                        editsMax, timeS }
  --rerun FILE          rerun a results.json: its recorded effective scenario (rate, duration,
                        warm-up and seed included) and its recorded non-default options
Layers, lowest first: defaults, the --config (or --rerun) file, the environment
(SYNCBENCH_RUN_RATE_PER_S, _SCALE, _DURATION_S, _WARMUP_S, _SEED, _OUT, _WEBSOCKET, _START_STACK,
_FIND_KNEE,
_KNEE_START_RATE_PER_S, _MEASURED_OPS, _PREPARE_USERS_MAX, _PREPARE_FILES_PER_USER_MAX,
_PREPARE_EDITS_MAX, _PREPARE_TIME_S, _SCENARIO, all prefixed SYNCBENCH_RUN_; and
SYNCBENCH_GATEWAY_URL), then flags. results.json records each value and where it came from.
Operations whose service is not in the stack are reported "not available in this stack".
Library: ${[...scenarioLibrary.keys()].join(", ")}
Exit codes: 0 targets held; 4 a target missed; 1 generator-bound run or failure;
2 usage, invalid configuration or scenario; 3 no target (--no-up and no stack up) or the stack is unhealthy.`;

function overridesOf(c: RunConfig): RunOverrides {
  return {
    ...(c.ratePerS !== undefined ? { ratePerS: c.ratePerS } : {}),
    ...(c.scale !== undefined ? { scale: c.scale } : {}),
    ...(c.durationS !== undefined ? { durationS: c.durationS } : {}),
    ...(c.warmupS !== undefined ? { warmupS: c.warmupS } : {}),
    ...(c.seed !== undefined ? { seed: c.seed } : {}),
  };
}

/** The library scenario or .json file; for --rerun, the recorded effective scenario. */
function scenarioOf(c: RunConfig): Scenario {
  if (c.rerunScenario) return validateScenario(c.rerunScenario, `${c.configFile} (recorded)`);
  return loadScenario(c.scenario);
}

/** Each value with a source, defaults last: the configuration a run logs before anything else. */
function configLine(c: RunConfig): string {
  const record = recordOf(c);
  const order = ["flag", "env", "file", "default"];
  const parts = Object.keys(record)
    .filter((k) => !k.startsWith("from.") && k !== "configFile")
    .sort(
      (x, y) =>
        order.indexOf(String(record[`from.${x}`])) - order.indexOf(String(record[`from.${y}`])),
    )
    .map((k) => `${k}=${JSON.stringify(record[k])} (${record[`from.${k}`]})`);
  const file = c.configFile !== undefined ? ` from ${c.configFile}` : "";
  return `config${file}: ${parts.join(", ")}`;
}

/** The stack's provider (native, or testcontainers where a Docker engine answers), made once. */
function lazyProvider(ctx: CliContext): () => Promise<StackProvider> {
  let provider: Promise<StackProvider> | undefined;
  return () => (provider ??= providerFor(ctx));
}

/** The gateway of the stack `syncbench up` started, when it is running; else undefined. */
async function runningGateway(provider: () => Promise<StackProvider>): Promise<string | undefined> {
  const status = await statusIfUp(await provider());
  const gateway = status?.services.find((s) => s.name === "nginx");
  return gateway?.healthy ? status?.endpoints.gatewayUrl : undefined;
}

/**
 * The configured target (flag, SYNCBENCH_GATEWAY_URL, file), else the running stack's gateway,
 * else (unless --no-up) the gateway of the stack this call starts, as `syncbench up` would; the
 * stack stays up after the run, like one `up` started.
 */
export async function targetSpecOf(
  configured: string | undefined,
  startStack: boolean,
  provider: () => Promise<StackProvider>,
  ctx: CliContext,
): Promise<string> {
  const spec = configured ?? (await runningGateway(provider));
  if (spec) return spec;
  if (!startStack)
    throw new SyncbenchError("ENV_TARGET_MISSING", "no target to run against: no stack is up", {
      hint:
        "npx syncbench up (or drop --no-up: run then starts it), or pass --target " +
        "http://127.0.0.1:PORT (or --target builtin), or set SYNCBENCH_GATEWAY_URL",
    });
  ctx.err("no target configured and no stack up: starting the stack (--no-up refuses instead)");
  const startedAtMs = Date.now();
  const status = await (await provider()).up({ onProgress: (line) => ctx.err(`up: ${line}`) });
  const gateway = status.services.find((s) => s.name === "nginx");
  if (!gateway?.healthy)
    throw new SyncbenchError(
      "ENV_TARGET_MISSING",
      "the stack started but its gateway is unhealthy",
      {
        hint: "npx syncbench status names the server; npx syncbench logs nginx shows why",
      },
    );
  ctx.err(
    `stack up in ${((Date.now() - startedAtMs) / 1000).toFixed(1)} s; it stays up after the run ` +
      "(npx syncbench down stops it)",
  );
  return status.endpoints.gatewayUrl;
}

/** The running stack's status when the target is its gateway; else undefined. */
async function stackStatusFor(targetSpec: string, provider: () => Promise<StackProvider>) {
  if (targetSpec === "builtin") return undefined;
  const status = await statusIfUp(await provider());
  return status?.endpoints.gatewayUrl === targetSpec ? status : undefined;
}

type StackStatusOrNone = Awaited<ReturnType<typeof stackStatusFor>>;

/** The stack's healthy ChunkServices, whose GET /internal/timings the run snapshots; else none. */
function timingSourcesOf(status: StackStatusOrNone): string[] {
  return (status?.services ?? [])
    .filter((s) => s.name.startsWith("chunk-service") && s.healthy)
    .map((s) => s.endpoint);
}

/**
 * Names for the knee's CPU figures: this process is the generator (its WebSocket holders are
 * its children), and, against the stack's gateway, each server's recorded pid names its tree.
 */
function processNamesOf(status: StackStatusOrNone): Map<number, string> {
  const names = new Map<number, string>([[process.pid, "generator"]]);
  for (const s of status?.services ?? []) if (s.pid !== undefined) names.set(s.pid, s.name);
  return names;
}

/**
 * The stack's JWT secret: SYNCBENCH_JWT_SECRET, else the one `syncbench token` signs with; none
 * for a stack that runs no ChunkService (its requests then carry no token).
 */
async function jwtSecret(
  env: Readonly<Record<string, string | undefined>>,
  provider: () => Promise<StackProvider>,
): Promise<string | undefined> {
  return env.SYNCBENCH_JWT_SECRET ?? (await provider()).secrets()?.jwtSecret;
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
    const config = loadRunConfig({ argv: args, env: ctx.env });
    const overrides = overridesOf(config);
    const scenario = applyOverrides(scenarioOf(config), overrides);
    const provider = lazyProvider(ctx);
    const targetSpec = await targetSpecOf(config.target, config.startStack, provider, ctx);
    const ws = scenario.websocket;
    const target = await openTarget(targetSpec, {
      websocket: config.websocket && !config.findKnee,
      devicesMax: ws ? ws.connectedUsersCount * ws.devicesPerUserMax : 0,
    });
    ctx.err(configLine(config));
    ctx.err(
      `syncbench run ${scenario.name}: target ${target.label}, seed ${scenario.seed}, ` +
        `effective ${JSON.stringify({ arrival: scenario.arrival, warmupS: scenario.warmupS })}, ` +
        `mix ${JSON.stringify(scenario.mix)}`,
    );
    const secret = targetSpec === "builtin" ? undefined : await jwtSecret(ctx.env, provider);
    const tokenFor = secret ? tokenSigner(secret, Date.now()) : undefined;
    // The stack's devices present their users' tokens; the built-in hub takes none.
    const connectDevices =
      secret && target.connectDevices
        ? stackDevicesRunner(target.baseUrl, deviceAuth(secret, Date.now()))
        : target.connectDevices;
    try {
      // One status read serves the timing sources and the process names.
      const stack = await stackStatusFor(targetSpec, provider);
      if (config.findKnee) {
        return await kneeCommand(ctx, {
          scenario,
          target,
          out: config.out,
          json: config.json,
          durationS: overrides.durationS,
          startRatePerS: config.kneeStartRatePerS,
          tokenFor,
          ...(tokenFor ? { prepareDeltas: config.prepare } : {}),
          processNames: processNamesOf(stack),
          timingSources: timingSourcesOf(stack),
        });
      }
      // One live line on a terminal; a line each 5 s in a log (and the run's last second).
      const live = progress(ctx, { isTty: stderrIsTty(), plainEvery: 5 });
      const results = await runScenario({
        scenario,
        baseUrl: target.baseUrl,
        targetLabel: target.label,
        limits: defaultDriverLimits,
        overrides: recordOf(config),
        version: syncbenchVersion(),
        log: (line) => {
          live.end();
          ctx.err(line);
        },
        onProgress: (p) => live.update(progressLine(p), p.tS >= p.totalS),
        ...(connectDevices ? { connectDevices } : {}),
        ...(tokenFor ? { tokenFor, prepareDeltas: config.prepare } : {}),
        timingSources: timingSourcesOf(stack),
      });
      live.end();
      const out = config.out ?? `.syncbench/results/${scenario.name}.json`;
      writeResults(out, results);
      if (config.measuredOps) {
        // The same translation `calibrate results.json` makes (formats/measured-from-results.ts).
        const measured = measuredFromResults(results, out, (line) => ctx.err(line));
        writeFileSync(config.measuredOps, `${JSON.stringify(measured, null, 2)}\n`);
      }
      if (config.json) ctx.out(JSON.stringify(results));
      else [...summaryLines(results), `  results: ${out}`].forEach((l) => ctx.out(l));
      return exitCodeOf(results, (line) => ctx.err(line));
    } finally {
      await target.close();
    }
  },
};
