// The download path's figures on the running stack, side by side in one run: a 4 MiB block as a
// CDN hit, a CDN miss (the edge fetches it from S3 on the presigned path its auth subrequest
// answered), a presigned S3 GET, and the DownloadService streaming it through the gateway; beside
// three anchors measured in the same run: nginx serving the same 4 MiB file from disk (the edge's
// floor), a bare S3 GET with the SDK, and a presigned S3 GET through one plain nginx hop (S3 plus
// the hop a miss adds at least; anchor-nginx.ts). Then the block list of a 250-block file, and
// where its time goes (the two queries, the URL signing, in process). p50/p99 at one request at a
// time and at 8 concurrent, each row's ratio to its anchor and a verdict against issue 13's
// targets. Timing on a shared machine is noisy: read the ratios. `npm run bench:download`.
import { createHash, randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { blockSizeBytes } from "../../../core/limits.ts";
import { signJwt } from "../../../runtime/jwt.ts";
import { createProvider } from "../../../stack/select-provider.ts";
import { loadStackConfig } from "../../../stack/stack-config.ts";
import { S3BlockStore } from "../../../stores/block-store/block-store.s3.ts";
import { PgMetadataDb } from "../../../stores/metadata-db/metadata-db.pg.ts";
import { blockUrlQuery } from "../block-url.ts";
import { startAnchorNginx } from "./anchor-nginx.ts";

const samplesPerMode = Number(process.env.SYNCBENCH_BENCH_SAMPLES ?? "24");
const listSamples = Math.max(samplesPerMode, 240);
const concurrencies = [1, 8] as const;
const warmupOpsPerMode = 2;
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
  const anchorNginx = await startAnchorNginx(blocks[0] as Uint8Array, endpoints.s3.url);
  try {
    const rows = await measureModes({
      endpoints,
      blocks,
      cdnUrls,
      s3Urls,
      originUrls,
      s3,
      anchorNginx,
      call,
    });
    printRows(rows);
    await printListParts(endpoints.postgresUrl, user);
  } finally {
    await anchorNginx.stop();
    await s3.close();
  }
}

interface Row {
  mode: string;
  concurrency: number;
  samples: number;
  p50: number;
  p99: number;
}

/** Which anchor a row is judged against, and the target for it. */
const judged: Readonly<
  Record<string, { anchor?: string; p50RatioMax?: number; p99MsMax?: number }>
> = {
  "CDN hit": { anchor: "nginx static (disk), anchor", p50RatioMax: 1.3 },
  "CDN miss (origin: S3, presigned per miss)": {
    anchor: "presigned S3 through one nginx hop, anchor",
    p50RatioMax: 1.3,
  },
  "presigned S3 GET": { anchor: "bare S3 GET (SDK), anchor" },
  "DownloadService streaming (gateway)": { anchor: "bare S3 GET (SDK), anchor" },
  [`block list, ${listBlockCount} blocks`]: { p99MsMax: 10 },
};

async function measureModes(o: {
  endpoints: { cdnUrl: string };
  blocks: Uint8Array[];
  cdnUrls: string[];
  s3Urls: string[];
  originUrls: string[];
  s3: S3BlockStore;
  anchorNginx: Awaited<ReturnType<typeof startAnchorNginx>>;
  call: (method: string, path: string) => Promise<Json>;
}): Promise<Row[]> {
  const get = async (url: string) => {
    const response = await fetch(url);
    const bytes = (await response.arrayBuffer()).byteLength;
    if (response.status !== 200) throw new Error(`GET ${url.slice(0, 80)}: ${response.status}`);
    return { bytes, cache: response.headers.get("x-cache") };
  };
  const at = <T>(list: T[], i: number) => list[i % list.length] as T;
  const modes: { name: string; op: (i: number) => Promise<unknown>; samples?: number }[] = [
    { name: "nginx static (disk), anchor", op: () => get(o.anchorNginx.staticUrl) },
    { name: "bare S3 GET (SDK), anchor", op: (i) => o.s3.get(sha(at(o.blocks, i))) },
    {
      name: "presigned S3 through one nginx hop, anchor",
      op: (i) => get(o.anchorNginx.viaHop(at(o.s3Urls, i))),
    },
    { name: "CDN miss (origin: S3, presigned per miss)", op: (i) => get(o.cdnUrls[i] as string) },
    { name: "CDN hit", op: (i) => get(at(o.cdnUrls, i)) },
    { name: "presigned S3 GET", op: (i) => get(at(o.s3Urls, i)) },
    { name: "DownloadService streaming (gateway)", op: (i) => get(at(o.originUrls, i)) },
    {
      name: `block list, ${listBlockCount} blocks`,
      op: () => o.call("GET", "/v1/files/content?path=%2Fbench%2Flist.bin"),
      // Its target is a p99: 24 samples would make that the maximum. A list is cheap; take more.
      samples: listSamples,
    },
  ];
  // Connections and code paths warm before any sample: the first mode measured paid for them.
  // Not the CDN rows: a miss needs a block the edge has not seen, and hits follow those misses.
  for (const mode of modes.filter((m) => !m.name.startsWith("CDN "))) {
    for (let i = 0; i < warmupOpsPerMode; i++) await mode.op(i);
  }
  const rows: Row[] = [];
  for (const [round, concurrency] of concurrencies.entries()) {
    for (const mode of modes) {
      const samples: number[] = [];
      const wanted = mode.samples ?? samplesPerMode;
      let next = 0;
      const first = round * samplesPerMode; // misses take fresh blocks in each round
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < wanted) {
            const index = first + next++;
            const t = performance.now();
            await mode.op(index);
            samples.push(performance.now() - t);
          }
        }),
      );
      rows.push({
        mode: mode.name,
        concurrency,
        samples: samples.length,
        p50: quantile(samples, 0.5),
        p99: quantile(samples, 0.99),
      });
    }
  }
  return rows;
}

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

function printRows(rows: readonly Row[]): void {
  const p50Of = (mode: string, c: number) =>
    rows.find((r) => r.concurrency === c && r.mode === mode)?.p50 ?? NaN;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`\n${"mode".padEnd(44)} conc     n   p50 ms   p99 ms   ratio  verdict`);
  for (const r of rows) {
    const j = judged[r.mode];
    const ratio = j?.anchor ? r.p50 / p50Of(j.anchor, r.concurrency) : NaN;
    const verdict =
      j?.p50RatioMax !== undefined
        ? `${ratio <= j.p50RatioMax ? "held" : "missed"} (p50 <= ${j.p50RatioMax} x anchor)`
        : j?.p99MsMax !== undefined
          ? `${r.p99 <= j.p99MsMax ? "held" : "missed"} (p99 <= ${j.p99MsMax} ms)`
          : "-";
    out(
      `${r.mode.padEnd(44)} ${String(r.concurrency).padStart(4)} ${String(r.samples).padStart(5)} ` +
        `${r.p50.toFixed(1).padStart(8)} ` +
        `${r.p99.toFixed(1).padStart(8)} ${Number.isNaN(ratio) ? "      -" : ratio.toFixed(2).padStart(7)}  ${verdict}`,
    );
  }
  out(
    `\n${samplesPerMode} samples per row (n; ${listSamples} for the block list, whose target is ` +
      "a p99). Ratios: CDN hit to nginx static, CDN miss to the presigned " +
      "S3 GET through one nginx hop (= bare S3 GET + one nginx hop), presigned S3 and streaming " +
      "to the bare S3 GET. Targets (issue 13): CDN hit p50 <= 1.3 x nginx static; CDN miss p50 " +
      `<= 1.3 x (S3 GET + one nginx hop); block list p99 <= 10 ms for ${listBlockCount} blocks.`,
  );
}

/**
 * Where a block list's time goes, measured in this process against the same Postgres: the
 * shard's version query, the global blocks table's size query, and signing the URLs; the
 * request's p50/p99 above less these is the HTTP, JSON and nginx part.
 */
async function printListParts(postgresUrl: string, user: string): Promise<void> {
  const db = new PgMetadataDb({ url: postgresUrl, poolMax: 2 });
  const parts: Record<string, number[]> = {
    "version query": [],
    "block sizes query": [],
    "sign URLs": [],
  };
  try {
    for (let i = 0; i < samplesPerMode * 2; i++) {
      let t = performance.now();
      const version = (await db.listVersions(user, "/bench/list.bin", 1))[0]!;
      parts["version query"]!.push(performance.now() - t);
      t = performance.now();
      await db.blockSizes([...new Set(version.blockHashes)]);
      parts["block sizes query"]!.push(performance.now() - t);
      t = performance.now();
      for (const hash of version.blockHashes)
        blockUrlQuery("k".repeat(43), { hash, userId: user, expiresAtS: 2_000_000_000 });
      parts["sign URLs"]!.push(performance.now() - t);
    }
  } finally {
    await db.close();
  }
  process.stdout.write(`\nblock list of ${listBlockCount} blocks, in process (ms):\n`);
  for (const [name, samples] of Object.entries(parts)) {
    const line = `  ${name.padEnd(20)} p50 ${quantile(samples, 0.5).toFixed(2).padStart(7)}`;
    process.stdout.write(`${line}  p99 ${quantile(samples, 0.99).toFixed(2).padStart(7)}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:download: ${(error as Error).message}\n`);
  process.exit(1);
});
