// The same edit workload under each of the design's variants, on the real stack: for each variant
// a fresh user with two devices. The editor (the sync client with the variant's upload mode,
// bodies paced to its link speed) commits a file of `fileBytes`, then makes `editsCount` edits of
// `editBytes` in place at seeded offsets (the design's 100-byte text edit), one at a time; the
// watcher hears of each change by the variant's notify mode (client/change-watch.ts) and
// downloads what it lacks of the new version, through the CDN edge or presigned S3 by the cdn
// flag (a whole-file variant downloads the whole file: it has no blocks to deduplicate). Between
// edits the editor pauses a seeded 0.5 s .. one poll interval, so edits fall at any phase of the
// watcher's timer. Nothing is scaled by hand: times are measured with the pacing in place.
import {
  mkdtempSync,
  openSync,
  rmSync,
  utimesSync,
  writeFileSync,
  writeSync,
  closeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "../../reference-impl/core/random.ts";
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import type { Variant } from "../../reference-impl/core/variants.ts";
import { ChangeWatcher, type ChangeSeen } from "../../reference-impl/client/change-watch.ts";
import { SyncClient } from "../../reference-impl/client/sync-client.ts";
import { summarizeLatency, type VariantRun } from "../../formats/variants.schema.ts";

export interface CompareVariantsOptions {
  readonly gatewayUrl: string;
  /** A bearer token for `user` on the running stack. */
  readonly tokenFor: (user: string) => string;
  readonly editsCount: number;
  readonly fileBytes: number;
  readonly editBytes: number;
  readonly seed: number;
  /** Distinguishes this run's users and file contents from earlier runs' (no cross-run dedup). */
  readonly runId: string;
  readonly log: (line: string) => void;
}

export const compareLimits = {
  editsMin: 1,
  editsMax: 200,
  fileBytesMax: 256 * 1024 * 1024,
  /** The watcher is given this long past two poll intervals to see an edit. */
  seenGraceMs: 15_000,
  pauseMinMs: 500,
} as const;

const filePath = "/edited.bin";

interface ContentAnswer {
  version: number;
  blocks: { hash: string; url: string; sizeBytes: number }[];
}

async function fetchJson(url: string, token: string): Promise<Record<string, unknown>> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const json = (await response.json()) as Record<string, unknown>;
  if (response.status !== 200) {
    throw new SyncbenchError(
      "CLIENT_REQUEST_FAILED",
      `GET ${url.split("?")[0]} answered ${response.status}: ${JSON.stringify(json)}`,
    );
  }
  return json;
}

/** The watcher's download of a version: the blocks it lacks (all of them for whole-file). */
async function download(
  v: Variant,
  o: CompareVariantsOptions,
  token: string,
  version: number,
  held: Set<string>,
): Promise<{ bytes: number; requests: number; ms: number }> {
  const startedMs = performance.now();
  const query = new URLSearchParams({ path: filePath, version: String(version) });
  if (!v.cdn) query.set("via", "s3");
  const content = (await fetchJson(
    `${o.gatewayUrl}/v1/files/content?${query}`,
    token,
  )) as unknown as ContentAnswer;
  let bytes = 0;
  let requests = 1;
  const wanted = content.blocks.filter((b) => v.upload === "whole-file" || !held.has(b.hash));
  for (const block of wanted) {
    requests++;
    const response = await fetch(block.url, { headers: { authorization: `Bearer ${token}` } });
    const body = new Uint8Array(await response.arrayBuffer());
    if (response.status !== 200 || body.length !== block.sizeBytes) {
      throw new SyncbenchError(
        "CLIENT_REQUEST_FAILED",
        `block ${block.hash.slice(0, 12)}… answered ${response.status} with ${body.length} B, ` +
          `expected 200 with ${block.sizeBytes} B`,
      );
    }
    bytes += body.length;
    held.add(block.hash);
  }
  return { bytes, requests, ms: performance.now() - startedMs };
}

function editInPlace(path: string, offset: number, bytes: Uint8Array, mtimeS: number) {
  const fd = openSync(path, "r+");
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
  utimesSync(path, mtimeS, mtimeS); // a new mtime, whatever the file system's resolution
}

/** Waits for the watcher to apply `version`, or gives up after `timeoutMs` (undefined). */
function waitSeen(
  seen: Map<number, ChangeSeen>,
  waiters: Map<number, (c: ChangeSeen) => void>,
  version: number,
  timeoutMs: number,
): Promise<ChangeSeen | undefined> {
  const already = seen.get(version);
  if (already) return Promise.resolve(already);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      waiters.delete(version);
      resolve(undefined);
    }, timeoutMs);
    waiters.set(version, (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
}

/** One variant's run: a fresh user, an editor and a watcher, `editsCount` edits. */
export async function runVariant(v: Variant, o: CompareVariantsOptions): Promise<VariantRun> {
  const wallStartMs = performance.now();
  const user = `cv-${o.runId}-${v.name}`;
  const token = () => o.tokenFor(user);
  const dir = mkdtempSync(join(tmpdir(), `syncbench-cv-${v.name}-`));
  const rng = new Rng(o.seed);
  const edits = rng.fork("edits"); // the same offsets and bytes under every variant
  const pauses = rng.fork(`pauses`);
  const local = join(dir, filePath.slice(1));
  writeFileSync(local, new Rng(o.seed).fork(`base-${o.runId}-${v.name}`).bytes(o.fileBytes));
  let committedAtMs = 0;
  const client = new SyncClient({
    dir,
    gatewayUrl: o.gatewayUrl,
    token,
    deviceId: "editor",
    random: () => pauses.uniform(),
    log: o.log,
    upload: v.upload,
    linkMbps: v.linkMbps,
    onCommitted: (_path, _version, atMs) => (committedAtMs = atMs),
  });
  const seen = new Map<number, ChangeSeen>();
  const waiters = new Map<number, (c: ChangeSeen) => void>();
  const watcher = new ChangeWatcher({
    gatewayUrl: o.gatewayUrl,
    token,
    deviceId: "watcher",
    mode: v.notify,
    pollIntervalS: v.pollIntervalS,
    prefix: "/",
    random: () => pauses.uniform(),
    log: o.log,
    onChange: (c) => {
      if (c.filePath !== filePath) return;
      seen.set(c.version, c);
      waiters.get(c.version)?.(c);
    },
  });
  const upload = { payload: 0, body: 0, requests: 0, ms: [] as number[] };
  const down = { bytes: 0, requests: 0, ms: [] as number[] };
  const delays: number[] = [];
  let missed = 0;
  let watchStartMs = 0;
  try {
    const first = await client.pass();
    o.log(
      `${v.name}: base version committed (${first.bytesSent} B in ${first.uploadMs.toFixed(0)} ms)`,
    );
    const held = new Set(client.state.files[filePath]!.blockHashes);
    let version = client.state.files[filePath]!.version;
    await watcher.start();
    watchStartMs = performance.now();
    for (let k = 0; k < o.editsCount; k++) {
      const pauseMs =
        compareLimits.pauseMinMs +
        pauses.uniform() * (v.pollIntervalS * 1000 - compareLimits.pauseMinMs);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, pauseMs)));
      const offset = edits.below(o.fileBytes - o.editBytes + 1);
      editInPlace(local, offset, edits.bytes(o.editBytes), 1_700_000_000 + k + 1);
      const pass = await client.pass();
      if (pass.filesUp !== 1) {
        throw new SyncbenchError(
          "COMPARE_EDIT_NOT_UPLOADED",
          `${v.name} edit ${k + 1}: the client uploaded ${pass.filesUp} files, expected 1`,
        );
      }
      version = client.state.files[filePath]!.version;
      upload.payload += pass.bytesSent;
      upload.body += pass.requestBodyBytes;
      upload.requests += pass.requestCount;
      upload.ms.push(pass.uploadMs);
      const timeoutMs = 2 * v.pollIntervalS * 1000 + compareLimits.seenGraceMs;
      const change = await waitSeen(seen, waiters, version, timeoutMs);
      if (watcher.failure !== undefined) throw watcher.failure;
      if (!change) {
        missed++;
        o.log(`${v.name} edit ${k + 1}: not seen by the watcher within ${timeoutMs} ms`);
        continue;
      }
      delays.push(change.seenAtMs - committedAtMs);
      const got = await download(v, o, token(), version, held);
      down.bytes += got.bytes;
      down.requests += got.requests;
      down.ms.push(got.ms);
    }
  } finally {
    await watcher.close().finally(() => rmSync(dir, { recursive: true, force: true }));
  }
  const minutes = (performance.now() - watchStartMs) / 60_000;
  const n = o.editsCount;
  return {
    variant: v.name,
    flags: {
      upload: v.upload,
      notify: v.notify,
      pollIntervalS: v.pollIntervalS,
      cdn: v.cdn,
      linkMbps: v.linkMbps,
      gcGraceHours: v.gcGraceHours,
      eventStream: v.eventStream,
      shardedMetadata: v.shardedMetadata,
      multiAz: v.multiAz,
    },
    editsCount: n,
    upload: {
      payloadBytesPerEditMean: upload.payload / n,
      bodyBytesPerEditMean: upload.body / n,
      requestsPerEditMean: upload.requests / n,
      latencyMs: summarizeLatency(upload.ms),
    },
    notification: {
      delayMs: summarizeLatency(delays),
      missedCount: missed,
      requestsPerMinute: minutes > 0 ? watcher.requestCount / minutes : 0,
    },
    download: {
      via: v.cdn ? "cdn" : "s3",
      bytesPerEditMean: down.ms.length > 0 ? down.bytes / down.ms.length : 0,
      requestsPerEditMean: down.ms.length > 0 ? down.requests / down.ms.length : 0,
      latencyMs: summarizeLatency(down.ms),
    },
    wallS: (performance.now() - wallStartMs) / 1000,
  };
}
