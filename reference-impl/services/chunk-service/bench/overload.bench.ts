// The upload path under overload (issue 17, deliverable 5), on the running native stack through
// the gateway: first its capacity (a closed loop of block PUTs, the heaviest step: body, SHA-256,
// S3 write), then an open-model load at 1x and 2x that capacity. Per step: accepted requests'
// p50/p99, the error rate and codes (SERVICE_OVERLOADED is the ChunkService shedding), and the
// RSS of each ChunkService sampled every 500 ms (it must stay flat at 2x: bounded in-flight work,
// bounded body buffering). Targets (exit 4 on a miss): at 2x, accepted p99 at most 3x its 1x
// value, and no ChunkService's RSS grows by more than 25 % over the step.
// `npm run bench:overload [-- --step-s 30 --block-kib 256]` after `npx syncbench up`.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { signJwt } from "../../../runtime/jwt.ts";
import { stackSecrets } from "../../../stack/native/app-services.ts";
import { createProvider } from "../../../stack/select-provider.ts";
import { loadStackConfig } from "../../../stack/stack-config.ts";

const { values } = parseArgs({
  options: { "step-s": { type: "string" }, "block-kib": { type: "string" } },
});
const stepS = Number(values["step-s"] ?? 30);
const blockBytes = Number(values["block-kib"] ?? 256) * 1024;
const inFlightMax = 2000; // the generator's own bound: beyond it a send is counted as not sent

const config = loadStackConfig(process.env);
const provider = await createProvider(config, process.env);
const status = await provider.status();
if (!status.services.every((s) => s.healthy)) {
  process.stderr.write("the stack is not up: run npx syncbench up\n");
  process.exit(3);
}
const gateway = status.endpoints.gatewayUrl;
const secret = stackSecrets(config.native).jwtSecret;
const users = Array.from({ length: 64 }, () => `overload-${randomUUID().slice(0, 8)}`);
const tokens = users.map((sub) => signJwt({ sub, exp: Date.now() / 1000 + 3600 }, secret));
const chunkPids = status.services
  .filter((s) => s.name.startsWith("chunk-service-") && s.pid !== undefined)
  .map((s) => ({ name: s.name, pid: s.pid as number }));

let sequence = 0;
async function putBlock(): Promise<{ ok: boolean; code: string; ms: number }> {
  const body = randomBytes(blockBytes);
  const hash = createHash("sha256").update(body).digest("hex");
  const token = tokens[sequence++ % tokens.length] as string;
  const started = performance.now();
  try {
    const response = await fetch(`${gateway}/v1/blocks/${hash}`, {
      method: "PUT",
      body,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" },
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    const ms = performance.now() - started;
    if (response.ok) return { ok: true, code: "", ms };
    let code = `HTTP_${response.status}`;
    try {
      code = (JSON.parse(text) as { error: { code: string } }).error.code;
    } catch {
      // not JSON: keep the status
    }
    return { ok: false, code, ms };
  } catch (error) {
    const name = (error as Error).name === "TimeoutError" ? "TIMEOUT" : "NETWORK";
    return { ok: false, code: name, ms: performance.now() - started };
  }
}

const rssBytes = (pid: number): number => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN; // the process is gone (restarted): shown as "-"
  }
};

const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;

async function capacity(seconds: number, workers: number): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < end) if ((await putBlock()).ok) done++;
    }),
  );
  return done / seconds;
}

interface Step {
  label: string;
  ratePerS: number;
  sent: number;
  notSent: number;
  acceptedMs: number[];
  errors: Map<string, number>;
  rss: Map<string, number[]>;
}

async function openModel(label: string, ratePerS: number, seconds: number): Promise<Step> {
  const step: Step = {
    label,
    ratePerS,
    sent: 0,
    notSent: 0,
    acceptedMs: [],
    errors: new Map(),
    rss: new Map(chunkPids.map((c) => [c.name, [] as number[]])),
  };
  const sampler = setInterval(() => {
    for (const c of chunkPids) step.rss.get(c.name)?.push(rssBytes(c.pid));
  }, 500);
  const running = new Set<Promise<void>>();
  const start = performance.now();
  const total = Math.round(ratePerS * seconds);
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / ratePerS - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (running.size >= inFlightMax) {
      step.notSent++;
      continue;
    }
    step.sent++;
    const p = putBlock().then((r) => {
      if (r.ok) step.acceptedMs.push(r.ms);
      else step.errors.set(r.code, (step.errors.get(r.code) ?? 0) + 1);
      running.delete(p);
    });
    running.add(p);
  }
  await Promise.all(running);
  clearInterval(sampler);
  return step;
}

const mib = (b: number) => (Number.isFinite(b) ? (b / 1024 / 1024).toFixed(0) : "-");
function row(s: Step): string {
  const errorCount = [...s.errors.values()].reduce((a, b) => a + b, 0);
  const errors = [...s.errors].map(([c, n]) => `${c} ${n}`).join(", ") || "none";
  const rss = [...s.rss]
    .map(
      ([name, xs]) =>
        `${name.replace("chunk-service-", "cs")} ${mib(xs[0] ?? NaN)}→${mib(Math.max(...xs))}→${mib(xs.at(-1) ?? NaN)}`,
    )
    .join("; ");
  return (
    `| ${s.label} | ${s.ratePerS.toFixed(1)} | ${s.sent} (${s.notSent} not sent) | ${s.acceptedMs.length} | ` +
    `${quantile(s.acceptedMs, 0.5).toFixed(0)} / ${quantile(s.acceptedMs, 0.99).toFixed(0)} | ` +
    `${((100 * errorCount) / Math.max(1, s.sent)).toFixed(1)} % (${errors}) | ${rss} |`
  );
}

process.stdout.write(
  `overload bench: ${blockBytes / 1024} KiB block PUTs through ${gateway}, ${stepS} s per step, ` +
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}\n`,
);
const capacityPerS = await capacity(Math.max(10, stepS / 2), 16);
process.stdout.write(`capacity (closed loop, 16 workers): ${capacityPerS.toFixed(1)} PUT/s\n`);
const one = await openModel("1x", capacityPerS, stepS);
const two = await openModel("2x", 2 * capacityPerS, stepS);
process.stdout.write(
  "| step | offered /s | sent | accepted | accepted p50 / p99 ms | error rate (codes) | " +
    "RSS MiB first→max→last |\n|---|---|---|---|---|---|---|\n",
);
process.stdout.write(`${row(one)}\n${row(two)}\n`);
const p99One = quantile(one.acceptedMs, 0.99);
const p99Two = quantile(two.acceptedMs, 0.99);
const grew = [...two.rss].filter(([, xs]) => Math.max(...xs) > 1.25 * (xs[0] ?? Infinity));
const misses = [
  ...(p99Two > 3 * p99One
    ? [`2x p99 ${p99Two.toFixed(0)} ms > 3 x 1x p99 ${p99One.toFixed(0)} ms`]
    : []),
  ...grew.map(([name]) => `${name} RSS grew over 25 % at 2x`),
];
process.stdout.write(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}\n` +
    (misses.length === 0 ? "targets: held\n" : `targets missed: ${misses.join("; ")}\n`),
);
process.exit(misses.length === 0 ? 0 : 4);
