// `syncbench chaos --fault <name>`: the fault lab of scenarios/chaos/ against the running stack.
// This file parses the flags, builds the lab's StackControl from the provider (processes, kill
// through the supervisor, up, fsck) and prints the table or one JSON object per fault.
import { join } from "node:path";
import { exitCodes } from "../../reference-impl/runtime/exit-codes.ts";
import { fsckStack } from "../../reference-impl/services/fsck/main.ts";
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import type { StackProvider } from "../../reference-impl/stack/provider.ts";
import { loadStackConfig } from "../../reference-impl/stack/stack-config.ts";
import {
  checkFaultAvailable,
  runFault,
  type StackControl,
} from "../../scenarios/chaos/chaos-lab.ts";
import { faultTable, type FaultResult } from "../../scenarios/chaos/fault-table.ts";
import {
  chaosLimits,
  faults,
  parseBounded,
  parseDurationS,
  parseFaultList,
} from "../../scenarios/chaos/faults.ts";
import { commonOptions, parseFlags, UsageError, type Command } from "../command.ts";
import type { CliContext } from "../context.ts";
import { providerFor } from "../stack-cli.ts";

const help = `usage: syncbench chaos --fault <name>[,<name>...|all] [--duration 60s] [--rate R]
                     [--devices N] [--seed S] [--json]

The fault lab on the running stack. For each fault: --devices simulated devices (default 40,
each its own user) commit new content at --rate commits/s in total (default 4) for --duration
(default 60s, ${chaosLimits.durationSMin}..${chaosLimits.durationSMax} s), honouring Retry-After;
every acknowledged commit (user, path, version, SHA-256) goes to an acknowledgement log in
.syncbench/chaos/. A quarter in, the fault's process gets SIGKILL by PID through the stack's
supervisor, which restarts it (\`up\` runs when it is not healthy ${chaosLimits.upAfterS} s later);
the load goes on until the stack is healthy again. Then every acknowledged version must be listed
(GET /v1/files/versions) and download through GET /v1/files/content and its signed block URLs
to the acknowledged SHA-256, and fsck must be clean. A notification consumer follows
${chaosLimits.consumerUsersMax} devices and counts duplicate and reordered events.

Faults:
${faults.map((f) => `  ${f.name.padEnd(26)} ${f.about}`).join("\n")}

Reports per fault: commits acknowledged, found, lost (must be 0), client-visible errors by code
(every failed attempt, also when a retry then succeeded), duplicate/reordered/missing events,
seconds until the error rate is back to its pre-fault level, seconds until every process is
healthy. --json prints the fault's object (an array of them for several faults).
Exit codes: 0 every fault passed; 1 one failed (a loss, fsck, no recovery, a duplicate);
2 usage; 3 no stack, or a single fault whose process this stack does not run (not available).`;

function controlFor(ctx: CliContext, provider: StackProvider): StackControl {
  const secrets = provider.secrets();
  if (!secrets || !provider.signalProcess) {
    throw new SyncbenchError(
      "ENV_FAULT_UNAVAILABLE",
      `the ${provider.name} provider cannot signal its processes; the fault lab needs the native stack`,
      { hint: "SYNCBENCH_PROVIDER=native npx syncbench up" },
    );
  }
  const signal = provider.signalProcess.bind(provider);
  let gatewayUrl = "";
  return {
    get gatewayUrl() {
      return gatewayUrl;
    },
    jwtSecret: secrets.jwtSecret,
    async processes() {
      const status = await provider.status();
      gatewayUrl = status.endpoints.gatewayUrl;
      return status.services.map((s) => ({
        name: s.name,
        healthy: s.healthy,
        ...(s.pid === undefined ? {} : { pid: s.pid }),
      }));
    },
    kill: (name) => signal(name, "SIGKILL"),
    async up() {
      await provider.up({ onProgress: (line) => ctx.err(line) });
    },
    async fsck() {
      const report = await fsckStack(await provider.endpointsWithSecrets(), {
        nowMs: Date.now(),
        outboxStaleMs: 60_000,
        blocksMax: 100_000,
      });
      const kinds = [...new Set(report.violations.map((v) => v.kind))].join(", ");
      return { violations: report.violations.length, ...(kinds ? { note: kinds } : {}) };
    },
  };
}

function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof SyncbenchError) throw new UsageError(error.message);
    throw error;
  }
}

export const command: Command = {
  summary:
    "fault lab: load, a fault by PID, recovery, then every acknowledged commit read back and fsck",
  help,
  async run(args, ctx) {
    const { values } = parseFlags(
      args,
      {
        ...commonOptions,
        fault: { type: "string" },
        duration: { type: "string" },
        rate: { type: "string" },
        devices: { type: "string" },
        seed: { type: "string" },
      },
      false,
    );
    if (values.fault === undefined) throw new UsageError("--fault is required (or --fault all)");
    const chosen = usage(() => parseFaultList(values.fault as string));
    const durationS = usage(() => parseDurationS(values.duration ?? "60s"));
    const ratePerS = usage(() =>
      parseBounded(values.rate ?? "4", "rate", chaosLimits.ratePerSMin, chaosLimits.ratePerSMax),
    );
    const devices = usage(() =>
      parseBounded(values.devices ?? "40", "devices", 1, chaosLimits.devicesMax),
    );
    const seed = usage(() => parseBounded(values.seed ?? "17", "seed", 0, 2 ** 32 - 1));
    if (!Number.isInteger(devices) || !Number.isInteger(seed))
      throw new UsageError("--devices and --seed must be whole numbers");
    const provider = await providerFor(ctx);
    const control = controlFor(ctx, provider);
    await control.processes(); // fills the gateway URL, and fails with exit 3 without a stack
    if (chosen.length === 1) await checkFaultAvailable(control, chosen[0]!);
    const logDir = join(loadStackConfig(ctx.env).native.rootDir, "chaos");
    const results: FaultResult[] = [];
    const unavailable: string[] = [];
    for (const fault of chosen) {
      try {
        await checkFaultAvailable(control, fault);
      } catch (error) {
        if (!(error instanceof SyncbenchError && error.code === "ENV_FAULT_UNAVAILABLE"))
          throw error;
        ctx.err(`${fault.name}: not available in this stack; skipped`);
        unavailable.push(fault.name);
        continue;
      }
      const options = {
        durationS,
        ratePerS,
        devices,
        seed,
        logDir,
        log: (l: string) => ctx.err(l),
      };
      results.push(await runFault(fault, control, options));
    }
    if (values.json) {
      const objects = results.map((r) => r as unknown);
      ctx.out(
        JSON.stringify(
          chosen.length === 1
            ? objects[0]
            : [...objects, ...unavailable.map((fault) => ({ fault, available: false }))],
          null,
          2,
        ),
      );
    } else {
      for (const line of faultTable(results)) ctx.out(line);
      for (const name of unavailable) ctx.out(`${name}: not available in this stack`);
    }
    return results.every((r) => r.passed) ? exitCodes.ok : exitCodes.failure;
  },
};
