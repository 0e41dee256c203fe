// The download path's figures on the running stack, side by side in one run: a 4 MiB block as a
// CDN hit, a CDN miss (the edge fetches from the DownloadService's origin path, which reads S3), a
// presigned S3 GET, and the DownloadService streaming it through the gateway; beside the anchor
// measured in the same run, a bare S3 GET with the SDK; and the block list of a 250-block file.
// p50/p99 at one request at a time and at 8 concurrent, with the ratio to the anchor. Timing on a
// shared machine is noisy: read the ratios, not the absolute figures. `npm run bench:download`.
import { createHash, randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { blockSizeBytes } from "../../../core/limits.ts";
import { signJwt } from "../../../runtime/jwt.ts";
import { createProvider } from "../../../stack/select-provider.ts";
import { loadStackConfig } from "../../../stack/stack-config.ts";
import { S3BlockStore } from "../../../stores/block-store/block-store.s3.ts";

const samplesPerMode = Number(process.env.SYNCBENCH_BENCH_SAMPLES ?? "24");
const concurrencies = [1, 8] as const;
const listBlockCount = 250;
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function main(): Promise<void> {
  const env = process.env;
  const provider = await createProvider(loadStackConfig(env), env);
  const endpoints = await provider.endpointsWithSecrets();
  const jwtSecret = provider.secrets()?.jwtSecret;
  if (!jwtSecret)
    throw new Error(
      "the stack's provider runs no services (native provider only): npx syncbench up",
    );
  const user = `bench-download-${Date.now()}`;
  const headers = {
    authorization: `Bearer ${signJwt({ sub: user, exp: Math.floor(Date.now() / 1000) + 3600 }, jwtSecret)}`,
  };
  const call = async (method: string, path: string, body?: Uint8Array | Json) => {
    const raw = body instanceof Uint8Array;
    const response = await fetch(`${endpoints.gatewayUrl}${path}`, {
      method,
      headers: {
        ...headers,
        "content-type": raw ? "application/octet-stream" : "application/json",
      },
      body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status >= 300)
      throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 200)}`);
    return JSON.parse(text) as Json;
  };
  const store = async (path: string, blocks: Uint8Array[]) => {
    const file = {
      path,
      size: blocks.reduce((n, b) => n + b.byteLength, 0),
      blockHashes: blocks.map(sha),
    };
    const init = await call("POST", "/v1/files/upload-init", file);
    for (const block of blocks) await call("PUT", `/v1/blocks/${sha(block)}`, block);
    await call("POST", "/v1/files/commit", { uploadId: init.uploadId, ...file, baseVersion: 0 });
  };
  // Distinct blocks for the misses (each miss needs a block the edge has not cached yet).
  const missCount = samplesPerMode * concurrencies.length;
  process.stdout.write(
    `storing ${missCount} blocks of 4 MiB and a ${listBlockCount}-block file…\n`,
  );
  const blocks = Array.from({ length: missCount }, () => randomBytes(blockSizeBytes));
  await store("/bench/big.bin", blocks);
  await store(
    "/bench/list.bin",
    Array.from({ length: listBlockCount }, () => randomBytes(1024)),
  );
  const cdnUrls = (
    (await call("GET", "/v1/files/content?path=%2Fbench%2Fbig.bin")).blocks as Json[]
  ).map((b) => b.url as string);
  const s3Urls = (
    (await call("GET", "/v1/files/content?path=%2Fbench%2Fbig.bin&via=s3")).blocks as Json[]
  ).map((b) => b.url as string);
  const originUrls = cdnUrls.map((u) => u.replace(endpoints.cdnUrl, endpoints.gatewayUrl));
  const s3 = new S3BlockStore(endpoints.s3);

  const get = async (url: string) => {
    const response = await fetch(url);
    const bytes = (await response.arrayBuffer()).byteLength;
    if (response.status !== 200) throw new Error(`GET ${url.slice(0, 80)}: ${response.status}`);
    return { bytes, cache: response.headers.get("x-cache") };
  };
  const modes: { name: string; op: (i: number) => Promise<unknown> }[] = [
    {
      name: "bare S3 GET (SDK), anchor",
      op: (i) => s3.get(sha(blocks[i % blocks.length] as Uint8Array)),
    },
    { name: "CDN miss (origin: DownloadService + S3)", op: (i) => get(cdnUrls[i] as string) },
    { name: "CDN hit", op: (i) => get(cdnUrls[i % cdnUrls.length] as string) },
    { name: "presigned S3 GET", op: (i) => get(s3Urls[i % s3Urls.length] as string) },
    {
      name: "DownloadService streaming (gateway)",
      op: (i) => get(originUrls[i % originUrls.length] as string),
    },
    {
      name: `block list, ${listBlockCount} blocks`,
      op: () => call("GET", "/v1/files/content?path=%2Fbench%2Flist.bin"),
    },
  ];
  const rows: { mode: string; concurrency: number; p50: number; p99: number }[] = [];
  for (const [round, concurrency] of concurrencies.entries()) {
    for (const mode of modes) {
      const samples: number[] = [];
      let next = 0;
      const first = round * samplesPerMode; // misses take fresh blocks in each round
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < samplesPerMode) {
            const index = first + next++;
            const t = performance.now();
            await mode.op(index);
            samples.push(performance.now() - t);
          }
        }),
      );
      samples.sort((a, b) => a - b);
      const at = (q: number) =>
        samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? NaN;
      rows.push({ mode: mode.name, concurrency, p50: at(0.5), p99: at(0.99) });
    }
  }
  await s3.close();
  const anchor = (c: number) =>
    rows.find((r) => r.concurrency === c && r.mode.endsWith("anchor"))?.p50 ?? NaN;
  process.stdout.write(`\n${"mode".padEnd(42)} conc   p50 ms   p99 ms  p50/anchor\n`);
  for (const r of rows) {
    process.stdout.write(
      `${r.mode.padEnd(42)} ${String(r.concurrency).padStart(4)} ${r.p50.toFixed(1).padStart(8)} ` +
        `${r.p99.toFixed(1).padStart(8)} ${(r.p50 / anchor(r.concurrency)).toFixed(2).padStart(10)}\n`,
    );
  }
  process.stdout.write(
    `\n${samplesPerMode} samples per row; targets (issue 13): CDN hit p50 <= 1.3 x nginx static ` +
      `(anchor not measured here: the edge has no static location), CDN miss p50 <= 1.3 x (bare S3 GET + one nginx hop), ` +
      `block list p99 <= 10 ms for ${listBlockCount} blocks\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:download: ${(error as Error).message}\n`);
  process.exit(1);
});
