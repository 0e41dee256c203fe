// `syncbench probe <url>`: the maximum-throughput probe with autocannon, labelled as what it
// is: a closed-model measurement whose latencies are not corrected for coordinated omission.
// Loopback targets only; bounded by --duration. Exit 0 when it ran, 2 on bad usage.
// `syncbench probe security`: the attack suite of scenarios/security/ against the running stack;
// exit 1 when any attack is allowed.
import { runProbe, type ProbeResult } from "../../scenarios/probe/autocannon-probe.ts";
import {
  probeSecurity,
  type ProbeRow,
  type SecurityReport,
} from "../../scenarios/security/security-probe.ts";
import { assertLoopback } from "../../scenarios/targets/open-target.ts";
import { exitCodes } from "../../reference-impl/runtime/exit-codes.ts";
import { stackProbeTarget } from "../../reference-impl/stack/probe-target.ts";
import { commonOptions, parseFlags, UsageError, type Command } from "../command.ts";
import type { CliContext } from "../context.ts";
import { providerFor } from "../stack-cli.ts";

const durationSMax = 300;
const connectionsMax = 1_000;

const help = `usage: syncbench probe <url> [--connections N] [--duration S]
                       [--method GET|POST|PUT] [--json]
       syncbench probe security [--only TEXT] [--json]

Maximum-throughput probe with autocannon (closed model: N connections, each sending its next
request when the previous one is answered; default 50 connections for 10 s, at most
${connectionsMax} and ${durationSMax} s). Its latencies are NOT corrected for coordinated omission
and have 1 ms resolution: read them as a smoke check, use \`syncbench run\` for percentiles.
The URL must be on 127.0.0.0/8.

probe security: every attack of issue 12 and design/decisions/0003 against the running stack
(tokens on every route and the /v1/notifications WebSocket upgrade, the Dropship variants, paths,
sizes, uploadId reuse, the CDN edge's signed block URLs, the DownloadService's routes, presigned
via=s3 URLs), one row each: refused, allowed or not applicable, with the answer's status and
code. A positive control row (a valid token upgrades; a holder's own URL is a cache HIT) counts
as allowed when it fails. --only keeps the rows whose group or probe
contains TEXT. Exit 0 when every row is refused or not applicable, 1 when one is allowed,
3 when the stack does not answer.`;

function printSecurity(ctx: CliContext, report: SecurityReport): void {
  const mark = (r: ProbeRow) =>
    r.verdict === "refused"
      ? ctx.color.green("refused")
      : r.verdict === "allowed"
        ? ctx.color.red("ALLOWED")
        : ctx.color.dim("n/a    ");
  let group = "";
  for (const r of report.rows) {
    if (r.group !== group) ctx.out(ctx.color.bold(`${(group = r.group)}:`));
    ctx.out(`  ${mark(r)}  ${r.probe}`);
    ctx.out(ctx.color.dim(`           ${r.detail}  [refused = ${r.rule}]`));
  }
  const c = report.counts;
  ctx.out(
    `${c.refused} refused, ${c.allowed} allowed, ${c["not-applicable"]} not applicable (run ${report.runTag})`,
  );
}

async function runSecurity(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(args, { ...commonOptions, only: { type: "string" } });
  if (positionals.length !== 1) throw new UsageError("probe security takes no other argument");
  const target = await stackProbeTarget(await providerFor(ctx));
  const report = await probeSecurity(target, { only: values.only });
  if (values.json) ctx.out(JSON.stringify(report, null, 2));
  else printSecurity(ctx, report);
  return report.counts.allowed === 0 ? exitCodes.ok : exitCodes.failure;
}

function print(ctx: CliContext, r: ProbeResult): void {
  ctx.out(
    ctx.color.yellow("closed model (autocannon): latencies NOT corrected for coordinated omission"),
  );
  ctx.out(`  ${r.url}: ${r.connections} connections for ${r.durationS} s`);
  ctx.out(`  throughput: ${r.requestsPerSMean.toFixed(0)} req/s mean, ${r.requestsTotal} requests`);
  const l = r.latencyMs;
  ctx.out(`  latency (1 ms resolution): p50 ${l.p50} p90 ${l.p90} p99 ${l.p99} p99.9 ${l.p999} ms`);
  ctx.out(`  errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx}`);
}

function bounded(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new UsageError(`--${name} must be an integer from 1 to ${max}, got "${value}"`);
  }
  return n;
}

export const command: Command = {
  summary: "autocannon throughput probe of a URL; `probe security`: the attack suite on the stack",
  help,
  async run(args, ctx) {
    if (args[0] === "security") return runSecurity(args, ctx);
    const { values, positionals } = parseFlags(args, {
      ...commonOptions,
      connections: { type: "string" },
      duration: { type: "string" },
      method: { type: "string" },
    });
    if (positionals.length !== 1) throw new UsageError("expected one URL");
    let url: URL;
    try {
      url = new URL(positionals[0]!);
    } catch {
      throw new UsageError(`"${positionals[0]}" is not a URL, nor "security"`);
    }
    assertLoopback(url);
    const method = values.method ?? "GET";
    if (method !== "GET" && method !== "POST" && method !== "PUT") {
      throw new UsageError(`--method must be GET, POST or PUT, got "${method}"`);
    }
    const result = await runProbe({
      url: url.href,
      connections: bounded(values.connections, "connections", 50, connectionsMax),
      durationS: bounded(values.duration, "duration", 10, durationSMax),
      method,
    });
    if (values.json) ctx.out(JSON.stringify(result, null, 2));
    else print(ctx, result);
    return 0;
  },
};
