// The upload path's figures on the running stack, through the ApiGateway, beside the bare cost of
// its parts measured in the same run (bare-parts.ts) and the design's figures: the dedup check of a
// 1 GB file (250 hashes, C16: 10-15 ms), and a 4 MiB block edited by 100 bytes sent as a delta and
// committed (C09: p99 < 100 ms; issue 18: p50 <= 1.5x its bare parts, ChunkService CPU <= 15 ms
// per delta upload). One request at a time (closed loop: service times, no queueing); the load
// test's percentiles come from `syncbench run`. Exit 4 on a miss (upload-verdicts.ts).
// `npm run bench:upload [-- --json] [-- --iterations N]` after `npx syncbench up`.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { encodeDelta } from "../../../core/delta.ts";
import { blockSizeBytes } from "../../../core/limits.ts";
import { signJwt } from "../../../runtime/jwt.ts";
import { stackSecrets } from "../../../stack/native/app-services.ts";
import { createProvider } from "../../../stack/select-provider.ts";
import { loadStackConfig } from "../../../stack/stack-config.ts";
import { measureBareParts, quantile, type PartFigures } from "./bare-parts.ts";
import { chunkServiceWindow, snapshotAll, type ServiceWindow } from "./service-window.ts";
import { uploadExitCode, uploadRows, type UploadRow } from "./upload-verdicts.ts";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const figures = (xs: number[]) => ({ p50Ms: quantile(xs, 0.5), p99Ms: quantile(xs, 0.99) });
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

function iterationsOf(argv: readonly string[]): number {
  const i = argv.indexOf("--iterations");
  if (i < 0) return 60;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 10 || n > 1000) {
    process.stderr.write(`--iterations must be an integer in 10..1000, got ${argv[i + 1]}\n`);
    process.exit(2);
  }
  return n;
}

type Call = (
  method: string,
  path: string,
  body: string | Uint8Array,
  type?: string,
) => Promise<Record<string, unknown>>;

function caller(gatewayUrl: string, token: string): Call {
  return async (method, path, body, type = "application/json") => {
    const response = await fetch(`${gatewayUrl}${path}`, {
      method,
      body,
      headers: { authorization: `Bearer ${token}`, "content-type": type },
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 200)}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
}

async function timeUploadInit(call: Call): Promise<number[]> {
  // 250 small owned blocks: the dedup check's cost is the query, not the block size.
  const blocks = Array.from({ length: 250 }, () => randomBytes(64));
  for (const b of blocks) await call("PUT", `/v1/blocks/${sha(b)}`, b, "application/octet-stream");
  const init = JSON.stringify({
    path: "/one-gb.bin",
    size: 250 * blockSizeBytes,
    blockHashes: blocks.map(sha),
  });
  const initMs: number[] = [];
  for (let i = 0; i < 220; i++) {
    const t = performance.now();
    await call("POST", "/v1/files/upload-init", init);
    if (i >= 20) initMs.push(performance.now() - t);
  }
  return initMs;
}

interface Edit {
  readonly before: string;
  readonly edited: Buffer;
  readonly delta: Uint8Array;
}

/** A committed 4 MiB block and `count` 100-byte edits of it in a chain, encoded ahead of time. */
async function prepareEdits(call: Call, count: number): Promise<Edit[]> {
  let base = randomBytes(blockSizeBytes);
  await call("PUT", `/v1/blocks/${sha(base)}`, base, "application/octet-stream");
  const init = await uploadInit(call, base);
  await commit(call, base, init, 0);
  const edits: Edit[] = [];
  for (let i = 0; i < count; i++) {
    const edited = Buffer.from(base);
    randomBytes(100).copy(edited, Math.floor(Math.random() * (edited.length - 100)));
    edits.push({ before: sha(base), edited, delta: encodeDelta(base, edited) });
    base = edited;
  }
  return edits;
}

const uploadInit = async (call: Call, block: Uint8Array) =>
  (
    await call(
      "POST",
      "/v1/files/upload-init",
      JSON.stringify({ path: "/doc", size: block.length, blockHashes: [sha(block)] }),
    )
  ).uploadId as string;

const commit = (call: Call, block: Uint8Array, uploadId: string, baseVersion: number) =>
  call(
    "POST",
    "/v1/files/commit",
    JSON.stringify({
      uploadId,
      path: "/doc",
      size: block.length,
      blockHashes: [sha(block)],
      baseVersion,
    }),
  );

/** Each edit as the scenario's delta upload does it: upload-init, then the timed delta and commit. */
async function timeDeltas(call: Call, edits: readonly Edit[]) {
  const deltaMs: number[] = [];
  const commitMs: number[] = [];
  for (const [index, e] of edits.entries()) {
    const uploadId = await uploadInit(call, e.edited);
    let t = performance.now();
    const path = `/v1/blocks/${sha(e.edited)}/delta?base=${e.before}`;
    await call("PUT", path, e.delta, "application/octet-stream");
    deltaMs.push(performance.now() - t);
    t = performance.now();
    await commit(call, e.edited, uploadId, index + 1);
    commitMs.push(performance.now() - t);
  }
  return { deltaMs, commitMs };
}

const cell = (v: number, width = 7) => (Number.isFinite(v) ? v.toFixed(1) : "-").padStart(width);

function barePartLines(bare: Record<string, PartFigures>): string[] {
  return Object.entries(bare).map(
    ([name, f]) =>
      `  ${name.padEnd(20)} p50 ${cell(f.p50Ms)} ms  p99 ${cell(f.p99Ms)} ms  ` +
      `cpu ${cell(f.cpuMsPerCall, 5)} ms/call (this process)`,
  );
}

function rowLines(rows: readonly UploadRow[]): string[] {
  const head =
    `  ${"operation".padEnd(36)} ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)} ` +
    `${"bare p50".padStart(8)} ${"ratio".padStart(6)}  ${"target".padEnd(18)} verdict`;
  return [
    head,
    ...rows.map(
      (r) =>
        `  ${r.operation.padEnd(36)} ${cell(r.p50Ms)} ${cell(r.p99Ms)} ${cell(r.bareP50Ms, 8)} ` +
        `${cell(r.ratioP50, 6)}  ${r.target.padEnd(18)} ${r.verdict}`,
    ),
    "  bare sums: " +
      rows
        .slice(0, 3)
        .map((r) => `${r.operation.split(",")[0]} = ${r.bareParts}`)
        .join("; "),
  ];
}

function windowLines(w: ServiceWindow, iterations: number): string[] {
  return [
    `  ChunkService processes over the delta loop (${iterations} delta uploads, ` +
      `${w.sourcesCount} processes): CPU ${w.cpuMs.toFixed(0)} ms ` +
      `(${(w.cpuMs / iterations).toFixed(1)} ms per delta upload), ` +
      `idle CPU ${w.idleCpuMsPerS.toFixed(1)} ms/s of ${w.wallS.toFixed(1)} s counted in`,
    ...Object.entries(w.parts).map(
      ([name, p]) =>
        `    ${name.padEnd(26)} ${String(p.count).padStart(6)} samples  p50 ${cell(p.p50, 6)} ms  ` +
        `p99 ${cell(p.p99, 6)} ms`,
    ),
  ];
}

async function main(): Promise<number> {
  const iterations = iterationsOf(process.argv);
  const env = process.env;
  const config = loadStackConfig(env);
  const provider = await createProvider(config, env);
  // A health check can time out on a busy machine: three tries before giving up.
  let status = await provider.status();
  for (let i = 0; i < 2 && !status.services.every((s) => s.healthy); i++) {
    status = await provider.status();
  }
  if (!status.services.every((s) => s.healthy)) {
    process.stderr.write("the stack is not up: run npx syncbench up\n");
    return 3;
  }
  const endpoints = await provider.endpointsWithSecrets();
  const chunkUrls = status.services
    .filter((s) => s.name.startsWith("chunk-service"))
    .map((s) => s.endpoint);
  const user = `bench-${randomUUID().slice(0, 8)}`;
  const token = signJwt(
    { sub: user, exp: Date.now() / 1000 + 3600 },
    stackSecrets(config.native).jwtSecret,
  );
  const call = caller(status.endpoints.gatewayUrl, token);
  const loadAtStart = load();
  const bare = await measureBareParts(endpoints, 30);
  const initMs = await timeUploadInit(call);
  const edits = await prepareEdits(call, iterations);
  const idle = await snapshotAll(chunkUrls);
  await new Promise((resolve) => setTimeout(resolve, 2000)); // the processes' idle CPU, apart
  const before = await snapshotAll(chunkUrls);
  const { deltaMs, commitMs } = await timeDeltas(call, edits);
  const after = await snapshotAll(chunkUrls);
  const window = chunkServiceWindow(idle, before, after);
  const rows = uploadRows(
    {
      uploadInit: figures(initMs),
      delta: figures(deltaMs),
      commit: figures(commitMs),
      deltaCommit: figures(deltaMs.map((d, i) => d + (commitMs[i] ?? 0))),
    },
    bare,
    window ? window.cpuMs / iterations : null,
  );
  const code = uploadExitCode(rows);
  if (process.argv.includes("--json")) {
    const out = { loadAverage: { start: loadAtStart, end: load() }, bare, rows, window };
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return code;
  }
  const lines = [
    `upload path through ${status.endpoints.gatewayUrl} (${chunkUrls.length} ChunkService ` +
      `processes), one request at a time; load average ${loadAtStart} at start, ${load()} at end`,
    "bare parts, measured in this run:",
    ...barePartLines(bare),
    ...rowLines(rows),
    ...(window ? windowLines(window, iterations) : ["  ChunkService timings: not readable"]),
    code === 0 ? "every target held" : "a target was missed (exit 4)",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  return code;
}

process.exitCode = await main();
