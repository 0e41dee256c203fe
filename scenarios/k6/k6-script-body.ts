// The fixed part of an exported k6 script (k6-export.ts adds the scenario's constants and
// options): the operations over routes.ts's routes, the project's PRNG and Zipf sampler
// (reference-impl/core/random.ts, written out because a k6 script imports no project module;
// k6-script-body.test.ts checks that both draw the same numbers) on a stream per iteration, a
// custom Trend per whole operation (from the iteration's start, the closest k6 has to an
// intended time), and WebSocket devices on k6/websockets, several sockets per VU. The design's
// block size is interpolated from design-figures.ts.
import { blockSizeBytes } from "../../reference-impl/core/design-figures.ts";

const imports = `import http from "k6/http";
import exec from "k6/execution";
import { Rate, Trend } from "k6/metrics";
import { setTimeout } from "k6/timers";
import { WebSocket } from "k6/websockets";

const BASE: string = __ENV.SYNCBENCH_GATEWAY_URL || "http://127.0.0.1:8080";
const operationMs = new Trend("syncbench_operation_ms", true);
const operationFailed = new Rate("syncbench_operation_failed");
const freshnessMs = new Trend("syncbench_notification_freshness_ms", true);`;

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

function hex64(r: () => number): string {
  let s = "";
  for (let i = 0; i < 8; i++) s += Math.floor(r() * 4294967296).toString(16).padStart(8, "0");
  return s;
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

/** Bearer tokens come from outside (k6 has no HMAC here): SYNCBENCH_TOKEN, one for all users. */
function auth(userId: number): Record<string, string> {
  const headers: Record<string, string> = { "x-user-id": String(userId) };
  if (__ENV.SYNCBENCH_TOKEN) headers.authorization = "Bearer " + __ENV.SYNCBENCH_TOKEN;
  return headers;
}

function post(path: string, body: string, userId: number, operation: string) {
  const headers = { ...auth(userId), "content-type": "application/json" };
  return http.post(BASE + path, body, { headers, tags: { operation } });
}

/** The uploadId upload-init issued (the commit must send it back); "" if the answer had none. */
function issuedUploadId(res: { json(selector?: string): unknown }): string {
  try {
    const id = res.json("uploadId");
    return typeof id === "string" ? id : "";
  } catch {
    return "";
  }
}`;

const operations = `export function deltaUpload(): void {
  const r = random();
  const userId = zipf(r, C.USERS.count, C.USERS.zipfSkew);
  const hash = hex64(r);
  const path = "/docs/file-" + Math.floor(r() * 1000) + ".txt";
  const span = C.DELTA.editBytesMax - C.DELTA.editBytesMin + 1;
  const edit = C.DELTA.editBytesMin + Math.floor(r() * span);
  const delta = "d".repeat(Math.ceil(edit * C.DELTA.deltaBytesPerEditByte));
  const file = { path, size: ${blockSizeBytes}, blockHashes: [hash] };
  let uploadId = "";
  run("deltaUpload", [
    () => {
      const res = post("/v1/files/upload-init", JSON.stringify(file), userId, "deltaUpload");
      uploadId = issuedUploadId(res);
      return res;
    },
    () => http.put(BASE + "/v1/blocks/" + hash + "/delta?base=" + hex64(r), delta,
      { headers: auth(userId), tags: { operation: "deltaUpload" } }),
    () => post("/v1/files/commit", JSON.stringify({ uploadId, ...file, baseVersion: 0 }), userId,
      "deltaUpload"),
  ]);
}

export function newFileUpload(): void {
  const r = random();
  const userId = zipf(r, C.USERS.count, C.USERS.zipfSkew);
  const f = C.NEW_FILE;
  const size = f.size.kind === "fixed" ? f.size.bytes : f.size.medianBytes;
  const bytes = Math.min(f.sizeBytesMax, size, ${blockSizeBytes});
  const hash = hex64(r);
  const file = { path: "/docs/new-" + hash.slice(0, 8) + ".bin", size: bytes, blockHashes: [hash] };
  let uploadId = "";
  run("newFileUpload", [
    () => {
      const res = post("/v1/files/upload-init", JSON.stringify(file), userId, "newFileUpload");
      uploadId = issuedUploadId(res);
      return res;
    },
    () => http.put(BASE + "/v1/blocks/" + hash, "n".repeat(bytes),
      { headers: auth(userId), tags: { operation: "newFileUpload" } }),
    () => post("/v1/files/commit", JSON.stringify({ uploadId, ...file, baseVersion: 0 }), userId,
      "newFileUpload"),
  ]);
}

export function download(): void {
  const r = random();
  const userId = zipf(r, C.USERS.count, C.USERS.zipfSkew);
  const hash = hex64(r);
  run("download", [() => http.get(BASE + "/v1/blocks/" + hash,
    { headers: auth(userId), tags: { operation: "download" } })]);
}

export function listFolder(): void {
  const r = random();
  const userId = zipf(r, C.USERS.count, C.USERS.zipfSkew);
  const limit = C.LIST ? C.LIST.pageSize : 100;
  run("listFolder", [() => http.get(BASE + "/v1/files?path=%2Fdocs&limit=" + limit,
    { headers: auth(userId), tags: { operation: "listFolder" } })]);
}

/** Each VU holds DEVICES_PER_VU sockets; every user has devicesPerUserMax devices here. */
export function devices(): void {
  const ws = C.WEBSOCKET;
  const total = ws.connectedUsersCount * ws.devicesPerUserMax;
  const first = (exec.vu.idInTest - 1) * C.DEVICES_PER_VU;
  const sockets: WebSocket[] = [];
  for (let i = first; i < Math.min(total, first + C.DEVICES_PER_VU); i++) {
    const user = Math.floor(i / ws.devicesPerUserMax);
    const query = "?user=" + user + "&device=" + (i % ws.devicesPerUserMax);
    const url = BASE.replace(/^http/, "ws") + "/v1/notifications" + query;
    const socket = new WebSocket(url);
    socket.onmessage = (event: { data: string }) => {
      const payload = JSON.parse(event.data);
      if (typeof payload.publishedAtMs === "number") {
        freshnessMs.add(Date.now() - payload.publishedAtMs, { phase: phase() });
      }
    };
    sockets.push(socket);
  }
  setTimeout(() => sockets.forEach((s) => s.close()), C.RUN_MS);
}`;

export const k6ScriptBody = {
  imports,
  functions: (_operations: readonly string[]) => `${helpers}\n\n${operations}`,
};
