// The fixed part of an exported k6 script (k6-export.ts adds the scenario's constants and
// options): the operations over the real API (reference-impl/services/*/openapi.yaml and the
// NotificationService's PROTOCOL.md), on request material from the data file `syncbench k6
// export` prepared against the stack (k6-data.ts), loaded once per instance with SharedArray:
// one bearer token per user of the population, deltas encoded against blocks those users
// uploaded, the files they committed. A delta upload takes the edit numbered by k6's
// iterationInTest (unique across instances, so the script runs unchanged split by execution
// segments); new files are written here with their SHA-256 (k6/crypto); downloads ask
// /v1/files/content, then fetch each signed block URL from the CDN edge (X-Cache HIT/MISS);
// devices hold WebSockets on /v1/notifications with their user's token. The project's PRNG and
// Zipf sampler are written out (a k6 script imports no project module; k6-script-body.test.ts
// checks both draw the same numbers). The design's block size comes from design-figures.ts.
import { blockSizeBytes } from "../../reference-impl/core/design-figures.ts";

const imports = `import http from "k6/http";
import crypto from "k6/crypto";
import encoding from "k6/encoding";
import exec from "k6/execution";
import { SharedArray } from "k6/data";
import { Counter, Rate, Trend } from "k6/metrics";
import { setTimeout } from "k6/timers";
import { WebSocket } from "k6/websockets";

/** One user of the population: a bearer token, the folder and files it committed. */
interface User {
  token: string;
  prefix: string;
  files: string[];
}
/** A prepared delta: block hash of the result, its base (the user's version 1), the bytes. */
interface Edit {
  u: number;
  path: string;
  base: string;
  hash: string;
  size: number;
  delta: string;
}

type FileSize =
  | { kind: "fixed"; bytes: number }
  | { kind: "lognormal"; medianBytes: number; sigma: number };
/** The scenario's figures the script uses (its constant C, written by syncbench). */
interface Constants {
  SCENARIO: string;
  SEED: number;
  WARMUP_MS: number;
  RUN_MS: number;
  USERS: { count: number; zipfSkew: number };
  NEW_FILE: { size: FileSize; sizeBytesMax: number };
  LIST: { pageSize: number } | null;
  WEBSOCKET: { devicesPerUserMax: number };
  DEVICES_PER_VU: number;
  ROUTES: Record<string, string[]>;
}

const DATA_FILE: string = __ENV.SYNCBENCH_K6_DATA || "./data.json";
const users = new SharedArray<User>("users", () => JSON.parse(open(DATA_FILE)).users);
const edits = new SharedArray<Edit>("edits", () => JSON.parse(open(DATA_FILE)).edits);
const BASE: string = __ENV.SYNCBENCH_GATEWAY_URL || "http://127.0.0.1:8080";
const operationMs = new Trend("syncbench_operation_ms", true);
const operationFailed = new Rate("syncbench_operation_failed");
const freshnessMs = new Trend("syncbench_notification_freshness_ms", true);
const edgeCacheHit = new Rate("syncbench_edge_cache_hit");
const editsExhausted = new Counter("syncbench_edits_exhausted");`;

const helpers = `function phase(): string {
  return Date.now() - exec.scenario.startTime < C.WARMUP_MS ? "warmup" : "measured";
}

function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** syncbench's PRNG (xoshiro128**, 53-bit uniforms on (0, 1)): stream streamKey of seed. */
function rng(seed: number, streamKey: number): () => number {
  let x = mix32(seed ^ mix32(streamKey >>> 0));
  let s0 = (x = mix32(x)), s1 = (x = mix32(x)), s2 = (x = mix32(x)), s3 = mix32(x) | 1;
  const rotl = (v: number, k: number): number => (v << k) | (v >>> (32 - k));
  const u32 = (): number => {
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9), t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11);
    return r >>> 0;
  };
  return () => ((u32() >>> 5) * 67108864 + (u32() >>> 6) + 0.5) / 9007199254740992;
}

/** The scenario seed's stream for this VU and iteration: same requests every run. */
function random(): () => number {
  return rng(C.SEED >>> 0, mix32(exec.vu.idInTest ^ mix32(exec.scenario.iterationInTest)));
}

/** syncbench's Zipf sampler (rejection-inversion, Hörmann & Derflinger 1996): ranks 0..n-1. */
function zipf(r: () => number, n: number, s: number): number {
  const q1 = (v: number): number => Math.abs(v) > 1e-8 ? Math.log1p(v) / v
    : 1 - v * (0.5 - v * (1 / 3 - 0.25 * v));
  const q2 = (v: number): number => Math.abs(v) > 1e-8 ? Math.expm1(v) / v
    : 1 + v * 0.5 * (1 + (v * 1) / 3 * (1 + 0.25 * v));
  const h = (v: number): number => Math.exp(-s * Math.log(v));
  const hIntegral = (v: number): number => q2((1 - s) * Math.log(v)) * Math.log(v);
  const hIntegralInverse = (v: number): number => Math.exp(q1(Math.max(-1, v * (1 - s))) * v);
  const x1 = hIntegral(1.5) - 1, xn = hIntegral(n + 0.5);
  const threshold = 2 - hIntegralInverse(hIntegral(2.5) - h(2));
  for (;;) {
    const u = xn + r() * (x1 - xn), x = hIntegralInverse(u);
    const k = Math.min(n, Math.max(1, Math.floor(x + 0.5)));
    if (k - x <= threshold || u >= hIntegral(k + 0.5) - h(k)) return k - 1;
  }
}

function run(operation: string, steps: Array<() => { status: number }>): void {
  const startedAt = Date.now();
  let ok = true;
  for (const step of steps) {
    const status = step().status;
    if (status === 0 || status >= 400) { ok = false; break; }
  }
  const tags = { operation, phase: phase() };
  operationFailed.add(!ok, tags);
  if (ok) operationMs.add(Date.now() - startedAt, tags);
}

function auth(user: User): Record<string, string> {
  return { authorization: "Bearer " + user.token };
}

function post(path: string, body: string, user: User, operation: string) {
  const headers = { ...auth(user), "content-type": "application/json" };
  return http.post(BASE + path, body, { headers, tags: { operation } });
}

interface UploadPlan { uploadId: string; currentVersion: number }

/** upload-init's answer: the uploadId the commit sends back, the version it must name. */
function uploadPlan(res: { status: number; json(selector?: string): unknown }): UploadPlan {
  if (res.status !== 200) return { uploadId: "", currentVersion: 0 };
  const id = res.json("uploadId"), version = res.json("currentVersion");
  return {
    uploadId: typeof id === "string" ? id : "",
    currentVersion: typeof version === "number" ? version : 0,
  };
}

interface FileBody { path: string; size: number; blockHashes: string[] }

/** The commit; on 409 (another upload of the file committed first) it asks again once. */
function commit(file: FileBody, plan: UploadPlan, user: User, operation: string) {
  const send = (p: UploadPlan) => post("/v1/files/commit",
    JSON.stringify({ uploadId: p.uploadId, ...file, baseVersion: p.currentVersion }), user, operation);
  const res = send(plan);
  if (res.status !== 409) return res;
  return send(uploadPlan(post("/v1/files/upload-init", JSON.stringify(file), user, operation)));
}

/** A user drawn by the scenario's Zipf skew over the prepared population. */
function drawUser(r: () => number): User {
  return users[zipf(r, users.length, C.USERS.zipfSkew)] as User;
}

/** ASCII filler of n bytes, unique to seed, so that every new file's blocks are new. */
function filler(seed: string, n: number): string {
  const unit = seed + "|";
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}

/** A new file's size: the scenario's fixed or lognormal size, at most sizeBytesMax. */
function newFileBytes(r: () => number): number {
  const f = C.NEW_FILE;
  if (f.size.kind === "fixed") return Math.min(f.sizeBytesMax, f.size.bytes);
  const normal = Math.sqrt(-2 * Math.log(r())) * Math.cos(2 * Math.PI * r());
  const bytes = Math.round(f.size.medianBytes * Math.exp(f.size.sigma * normal));
  return Math.max(1, Math.min(f.sizeBytesMax, bytes));
}`;

const operations = `export function deltaUpload(): void {
  const i = exec.scenario.iterationInTest;
  if (i >= edits.length) {
    editsExhausted.add(1, { phase: phase() });
    return;
  }
  const e = edits[i] as Edit;
  const user = users[e.u] as User;
  const file = { path: e.path, size: e.size, blockHashes: [e.hash] };
  let plan: UploadPlan = { uploadId: "", currentVersion: 0 };
  const tags = { operation: "deltaUpload" };
  run("deltaUpload", [
    () => {
      const res = post("/v1/files/upload-init", JSON.stringify(file), user, "deltaUpload");
      plan = uploadPlan(res);
      return res;
    },
    () => http.put(BASE + "/v1/blocks/" + e.hash + "/delta?base=" + e.base,
      encoding.b64decode(e.delta, "std"),
      { headers: { ...auth(user), "content-type": "application/octet-stream" }, tags }),
    () => commit(file, plan, user, "deltaUpload"),
  ]);
}

export function newFileUpload(): void {
  const r = random();
  const user = drawUser(r);
  const size = newFileBytes(r);
  const tag = user.prefix + exec.scenario.startTime + "-" + exec.scenario.iterationInTest;
  const blocks: string[] = [];
  for (let at = 0; at < size; at += ${blockSizeBytes}) {
    blocks.push(filler(tag + "@" + at, Math.min(${blockSizeBytes}, size - at)));
  }
  const hashes = blocks.map((b) => crypto.sha256(b, "hex"));
  const path = user.prefix + "new-" + exec.scenario.startTime + "-"
    + exec.scenario.iterationInTest + ".bin";
  const file = { path, size, blockHashes: hashes };
  let plan: UploadPlan = { uploadId: "", currentVersion: 0 };
  const tags = { operation: "newFileUpload" };
  run("newFileUpload", [
    () => {
      const res = post("/v1/files/upload-init", JSON.stringify(file), user, "newFileUpload");
      plan = uploadPlan(res);
      return res;
    },
    ...blocks.map((b, k) => () => http.put(BASE + "/v1/blocks/" + hashes[k], b,
      { headers: { ...auth(user), "content-type": "application/octet-stream" }, tags })),
    () => commit(file, plan, user, "newFileUpload"),
  ]);
}

export function download(): void {
  const r = random();
  const user = drawUser(r);
  const path = user.files[Math.floor(r() * user.files.length)] as string;
  const tags = { operation: "download" };
  let urls: string[] = [];
  run("download", [
    () => {
      const res = http.get(BASE + "/v1/files/content?path=" + encodeURIComponent(path),
        { headers: auth(user), tags });
      const blocks = res.status === 200 ? res.json("blocks") : [];
      urls = Array.isArray(blocks) ? blocks.map((b) => String((b as { url: unknown }).url)) : [];
      return res;
    },
    () => {
      let last = { status: 200 };
      for (const url of urls) {
        const res = http.get(url, { tags });
        edgeCacheHit.add(res.headers["X-Cache"] === "HIT", { phase: phase() });
        last = res;
        if (res.status !== 200) break;
      }
      return last;
    },
  ]);
}

export function listFolder(): void {
  const user = drawUser(random());
  const limit = C.LIST ? C.LIST.pageSize : 1000;
  run("listFolder", [() => http.get(
    BASE + "/v1/files?prefix=" + encodeURIComponent(user.prefix) + "&limit=" + limit,
    { headers: auth(user), tags: { operation: "listFolder" } })]);
}

/**
 * Each VU holds DEVICES_PER_VU sockets of the population's devices (devicesPerUserMax per user),
 * numbered by the VU's idInTest, unique across instances; every event a device receives is
 * acknowledged with its cursor, and its freshness is receipt minus the event's timestampMs.
 */
export function devices(): void {
  const perUser = C.WEBSOCKET.devicesPerUserMax;
  const total = users.length * perUser;
  const first = (exec.vu.idInTest - 1) * C.DEVICES_PER_VU;
  const sockets: WebSocket[] = [];
  for (let i = first; i < Math.min(total, first + C.DEVICES_PER_VU); i++) {
    const user = users[Math.floor(i / perUser)] as User;
    const url = BASE.replace(/^http/, "ws") + "/v1/notifications?device=k6-" + (i % perUser);
    const socket = new WebSocket(url, null, { headers: auth(user) });
    socket.onmessage = (event) => {
      const m = JSON.parse(String(event?.data)) as {
        type?: string; cursor?: string; event?: { timestampMs?: number };
      };
      if (m.type !== "event" || typeof m.event?.timestampMs !== "number") return;
      freshnessMs.add(Date.now() - m.event.timestampMs, { phase: phase() });
      socket.send(JSON.stringify({ type: "ack", cursor: m.cursor }));
    };
    sockets.push(socket);
  }
  setTimeout(() => sockets.forEach((s) => s.close()), C.RUN_MS);
}`;

export const k6ScriptBody = {
  imports,
  functions: (_operations: readonly string[]) => `${helpers}\n\n${operations}`,
};
