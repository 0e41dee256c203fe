// The upload path's headline figures on the running stack, through the ApiGateway, beside the
// design's: the dedup check of a 1 GB file (250 hashes, C16: 10-15 ms), and a 4 MiB block edited by
// 100 bytes sent as a delta (C05 reconstruct ~30 ms, C09 delta upload p99 < 100 ms). One request at
// a time (closed loop: service times, no queueing); the load-test percentiles come from
// `syncbench run`. `npm run bench:upload [-- --json]` after `npx syncbench up`.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { encodeDelta } from "../../../core/delta.ts";
import { signJwt } from "../../../runtime/jwt.ts";
import { stackSecrets } from "../../../stack/native/app-services.ts";
import { createProvider } from "../../../stack/select-provider.ts";
import { loadStackConfig } from "../../../stack/stack-config.ts";
import { blockSizeBytes } from "../../../core/limits.ts";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0;

async function main(): Promise<void> {
  const env = process.env;
  const config = loadStackConfig(env);
  const status = await (await createProvider(config, env)).status();
  if (!status.services.every((s) => s.healthy))
    throw new Error("the stack is not up: run npx syncbench up");
  const user = `bench-${randomUUID().slice(0, 8)}`;
  const token = signJwt(
    { sub: user, exp: Date.now() / 1000 + 3600 },
    stackSecrets(config.native).jwtSecret,
  );
  const call = async (
    method: string,
    path: string,
    body: string | Uint8Array,
    type = "application/json",
  ) => {
    const response = await fetch(`${status.endpoints.gatewayUrl}${path}`, {
      method,
      body,
      headers: { authorization: `Bearer ${token}`, "content-type": type },
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 200)}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
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
  let base: Uint8Array = randomBytes(blockSizeBytes);
  await call("PUT", `/v1/blocks/${sha(base)}`, base, "application/octet-stream");
  // upload-init issues the uploadId each commit sends back (outside the timed calls).
  const uploadIdFor = async (block: Uint8Array) =>
    (
      await call(
        "POST",
        "/v1/files/upload-init",
        JSON.stringify({ path: "/doc", size: block.length, blockHashes: [sha(block)] }),
      )
    ).uploadId as string;
  await call(
    "POST",
    "/v1/files/commit",
    JSON.stringify({
      uploadId: await uploadIdFor(base),
      path: "/doc",
      size: base.length,
      blockHashes: [sha(base)],
      baseVersion: 0,
    }),
  );
  const deltaMs: number[] = [];
  const commitMs: number[] = [];
  const deltaBytes: number[] = [];
  for (let version = 1; version <= 60; version++) {
    const edited = Buffer.from(base);
    randomBytes(100).copy(edited, Math.floor(Math.random() * (edited.length - 100)));
    const delta = encodeDelta(base, edited);
    deltaBytes.push(delta.length);
    const uploadId = await uploadIdFor(edited);
    let t = performance.now();
    await call(
      "PUT",
      `/v1/blocks/${sha(edited)}/delta?base=${sha(base)}`,
      delta,
      "application/octet-stream",
    );
    deltaMs.push(performance.now() - t);
    t = performance.now();
    await call(
      "POST",
      "/v1/files/commit",
      JSON.stringify({
        uploadId,
        path: "/doc",
        size: edited.length,
        blockHashes: [sha(edited)],
        baseVersion: version,
      }),
    );
    commitMs.push(performance.now() - t);
    base = edited;
  }
  const row = (name: string, xs: number[], design: string) =>
    `  ${name.padEnd(40)} p50 ${quantile(xs, 0.5).toFixed(1).padStart(6)} ms  p99 ${quantile(xs, 0.99).toFixed(1).padStart(6)} ms   design: ${design}`;
  const result = {
    uploadInit250: { p50: quantile(initMs, 0.5), p99: quantile(initMs, 0.99), n: initMs.length },
    deltaPut: { p50: quantile(deltaMs, 0.5), p99: quantile(deltaMs, 0.99), n: deltaMs.length },
    commit: { p50: quantile(commitMs, 0.5), p99: quantile(commitMs, 0.99), n: commitMs.length },
    deltaBytes: { p50: quantile(deltaBytes, 0.5), max: Math.max(...deltaBytes) },
  };
  if (process.argv.includes("--json"))
    return void process.stdout.write(`${JSON.stringify(result)}\n`);
  process.stdout.write(
    [
      `upload path through ${status.endpoints.gatewayUrl} (${status.services.filter((s) => s.name.startsWith("chunk")).length} ChunkService processes), one request at a time`,
      row("upload-init, 250 hashes (C16)", initMs, "10-15 ms"),
      row(
        "PUT delta, 100 B edit of 4 MiB (C05)",
        deltaMs,
        "~30 ms reconstruct + ~20 ms S3 read (C06)",
      ),
      row("commit (version + ref counts + outbox)", commitMs, "-"),
      row(
        "delta + commit",
        deltaMs.map((d, i) => d + (commitMs[i] ?? 0)),
        "p99 < 100 ms (C09)",
      ),
      `  delta size: p50 ${result.deltaBytes.p50} B, max ${result.deltaBytes.max} B (design: ~200 B, C01)`,
    ].join("\n") + "\n",
  );
}

await main();
