// Side-by-side bench of the S3-compatible servers the native stack could start on loopback
// (`npm run bench:s3 [-- --json] [-- --out FILE] [-- --only a,b] [-- --seconds N]`).
// For each installed candidate (s3rver from npm; versitygw, SeaweedFS `weed mini` and moto
// server from .syncbench/cache) it measures start time, 4 MiB PUT/GET/HEAD at concurrency 1 and
// 8, RSS, the sockets it listens on, whether a stream-body PUT round-trips (with the project's
// WHEN_REQUIRED checksum settings and with the SDK defaults) and whether `If-None-Match: *` makes
// a PUT a conditional create. It exists to pick the native S3 server with figures measured here.
// Servers are started and stopped by their own PID, always, and the whole run is time-bounded.

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg } from "node:os";
import { Agent } from "node:http";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { blockSizeBytes } from "../../core/limits.ts";

const REPO = resolve(import.meta.dirname, "../../..");
const CACHE = join(REPO, ".syncbench/cache");
const WORK = join(REPO, ".syncbench/bench-s3");
const BUCKET = "blocks";
const SIZE = blockSizeBytes;
const MIB = 1024 * 1024;
const BUDGET_MS = 285_000; // hard stop: servers killed and partial results printed
const t0Global = performance.now();

// ---------------------------------------------------------------- command line

interface Options {
  json: boolean;
  out: string | null;
  only: string[] | null;
  seconds: number;
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { json: false, out: null, only: null, seconds: 3 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") o.json = true;
    else if (a === "--out") o.out = argv[++i] ?? null;
    else if (a === "--only") o.only = (argv[++i] ?? "").split(",").filter(Boolean);
    else if (a === "--seconds") o.seconds = Math.max(0.5, Number(argv[++i] ?? "3"));
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

const log = (msg: string): void => {
  const s = ((performance.now() - t0Global) / 1000).toFixed(1).padStart(5);
  process.stderr.write(`[${s}s] ${msg}\n`);
};
const remainingMs = (): number => BUDGET_MS - (performance.now() - t0Global);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");
const errText = (e: unknown): string => {
  const x = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const code = x.$metadata?.httpStatusCode;
  return `${x.name ?? "Error"}${code ? ` (HTTP ${code})` : ""}: ${String(x.message).slice(0, 160)}`;
};
const statusOf = (e: unknown): number | undefined =>
  (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

// ---------------------------------------------------------------- candidates

interface Launch {
  cmd: string;
  args: string[];
  env: Record<string, string>;
}
interface Candidate {
  readonly name: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Seconds to wait for the first S3 answer before giving up. */
  readonly startTimeoutS: number;
  /** The version string, or throws with the reason it cannot run here. */
  probe(): string;
  launch(s3Port: number, dir: string): Promise<Launch>;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

function requireFile(path: string, hint: string): string {
  if (!fs.existsSync(path)) throw new Error(`not installed: ${path} is missing (${hint})`);
  return path;
}

/** Module version recorded in a Go binary (`go version -m`), e.g. v1.8.0. */
function goModVersion(bin: string, mod: string): string {
  try {
    const out = execFileSync("go", ["version", "-m", bin], { encoding: "utf8" });
    const line = out.split("\n").find((l) => l.trim().split(/\s+/)[1] === mod);
    return line?.trim().split(/\s+/)[2] ?? "unknown";
  } catch {
    return "unknown (go version -m failed)";
  }
}

const s3rver: Candidate = {
  name: "s3rver",
  accessKeyId: "S3RVER",
  secretAccessKey: "S3RVER",
  startTimeoutS: 20,
  probe() {
    const pkg = requireFile(join(REPO, "node_modules/s3rver/package.json"), "npm install");
    return (JSON.parse(fs.readFileSync(pkg, "utf8")) as { version: string }).version;
  },
  async launch(port, dir) {
    const script = `const S3rver = require("s3rver");
new S3rver({ port: ${port}, address: "127.0.0.1", silent: true, directory: ${JSON.stringify(dir)} })
  .run().catch((e) => { console.error(e); process.exit(1); });`;
    return { cmd: process.execPath, args: ["-e", script], env: {} };
  },
};

const versitygw: Candidate = {
  name: "versitygw",
  accessKeyId: "bench",
  secretAccessKey: "benchsecret",
  startTimeoutS: 20,
  probe() {
    // `syncbench up` builds bin/versitygw-v1.8.0; a hand-built bin/versitygw is taken as well.
    const built = join(CACHE, "bin/versitygw-v1.8.0");
    const bin = fs.existsSync(built)
      ? built
      : requireFile(
          join(CACHE, "bin/versitygw"),
          "run `npx syncbench up` once, or GOBIN=.syncbench/cache/bin go install " +
            "github.com/versity/versitygw/cmd/versitygw@v1.8.0",
        );
    return goModVersion(bin, "github.com/versity/versitygw");
  },
  async launch(port, dir) {
    fs.mkdirSync(join(dir, "root"), { recursive: true });
    fs.mkdirSync(join(dir, "meta"), { recursive: true });
    return {
      cmd: join(CACHE, "bin/versitygw"),
      // --keep-alive: v1.8.0 closes every connection after one request unless asked.
      // --quiet: no per-request line on stdout.
      args: [
        "--port",
        `127.0.0.1:${port}`,
        "--keep-alive",
        "--quiet",
        "posix",
        "--sidecar",
        join(dir, "meta"),
        join(dir, "root"),
      ],
      env: { ROOT_ACCESS_KEY_ID: this.accessKeyId, ROOT_SECRET_ACCESS_KEY: this.secretAccessKey },
    };
  },
};

const seaweedfs: Candidate = {
  name: "seaweedfs",
  accessKeyId: "bench",
  secretAccessKey: "benchsecret",
  startTimeoutS: 60,
  probe() {
    const bin = requireFile(
      join(CACHE, "bin/weed"),
      "d=$(go mod download -json github.com/seaweedfs/seaweedfs@v0.0.0-20261109003541-7506e5f91cd6 " +
        "| python3 -c 'import json,sys;print(json.load(sys.stdin)[\"Dir\"])') && cd $d && " +
        "go build -mod=readonly -o $OLDPWD/.syncbench/cache/bin/weed ./weed (go install refuses: go.mod has replace)",
    );
    const out = execFileSync(bin, ["version"], { encoding: "utf8" });
    return /\d+\.\d+/.exec(out)?.[0] ?? "unknown"; // "version 30GB 4.53 linux amd64"
  },
  async launch(port, dir) {
    // every port explicit: weed mini silently moves a *default* port that is taken, and its
    // gRPC defaults (http + 10000) overflow for high ports. -ip.bind defaults to 0.0.0.0 and
    // telemetry to on (an outbound HTTPS call): both turned off here.
    const p = async (): Promise<string> => String(await freePort());
    const args = [
      "mini",
      `-dir=${dir}`,
      "-ip=127.0.0.1",
      "-ip.bind=127.0.0.1",
      `-s3.port=${port}`,
      `-s3.port.grpc=${await p()}`,
      `-master.port=${await p()}`,
      `-master.port.grpc=${await p()}`,
      `-volume.port=${await p()}`,
      `-volume.port.grpc=${await p()}`,
      `-filer.port=${await p()}`,
      `-filer.port.grpc=${await p()}`,
      `-admin.port=${await p()}`,
      `-admin.port.grpc=${await p()}`, // admin runs even with ui off
      `-filer.localSocket=${join(dir, "filer.sock")}`,
      `-s3.localSocket=${join(dir, "s3.sock")}`,
      "-master.telemetry=false",
      "-webdav=false",
      "-admin.ui=false",
      "-admin.port.legacy=0",
      "-s3.port.iceberg=0",
      "-s3.port.lance=0",
    ];
    return {
      cmd: join(CACHE, "bin/weed"),
      args,
      env: { AWS_ACCESS_KEY_ID: this.accessKeyId, AWS_SECRET_ACCESS_KEY: this.secretAccessKey },
    };
  },
};

const moto: Candidate = {
  name: "moto",
  accessKeyId: "bench",
  secretAccessKey: "benchsecret",
  startTimeoutS: 30,
  probe() {
    const py = requireFile(
      join(CACHE, "moto-venv/bin/python"),
      "python3 -m venv .syncbench/cache/moto-venv && .syncbench/cache/moto-venv/bin/pip install 'moto[server]==5.2.5'",
    );
    requireFile(join(CACHE, "moto-venv/bin/moto_server"), "pip install 'moto[server]'");
    const code = "import importlib.metadata as m; print(m.version('moto'))";
    return execFileSync(py, ["-c", code], { encoding: "utf8" }).trim();
  },
  async launch(port) {
    return {
      cmd: join(CACHE, "moto-venv/bin/moto_server"),
      args: ["-H", "127.0.0.1", "-p", String(port)],
      env: {},
    };
  },
};

const CANDIDATES: readonly Candidate[] = [s3rver, versitygw, seaweedfs, moto];

// ---------------------------------------------------------------- processes (by PID only)

interface Running {
  cand: Candidate;
  child: ChildProcess;
  pid: number;
  url: string;
  logPath: string;
}
const live = new Set<Running>();

/** PIDs of all descendants of `root`, from /proc/<pid>/stat parent links. */
function descendants(root: number): number[] {
  const parent = new Map<number, number[]>();
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parent.set(ppid, [...(parent.get(ppid) ?? []), Number(d)]);
    } catch {
      /* process ended while scanning */ continue;
    }
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const c of parent.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(root);
  return out;
}

function killPid(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */ return;
  }
}

function killAllNow(): void {
  for (const r of live) {
    for (const pid of [...descendants(r.pid), r.pid]) killPid(pid, "SIGKILL");
  }
  live.clear();
}

async function startServer(cand: Candidate): Promise<{ run: Running; startMs: number }> {
  const dir = join(WORK, cand.name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const l = await cand.launch(port, join(dir, "data"));
  fs.mkdirSync(join(dir, "data"), { recursive: true });
  const logPath = join(dir, "server.log");
  const fd = fs.openSync(logPath, "w");
  fs.writeSync(fd, `# ${l.cmd} ${l.args.join(" ")}\n`);
  const t = performance.now();
  const child = spawn(l.cmd, l.args, {
    cwd: dir,
    env: { ...process.env, ...l.env },
    stdio: ["ignore", fd, fd],
  });
  fs.closeSync(fd);
  if (child.pid === undefined) throw new Error(`spawn failed: ${l.cmd}`);
  const run: Running = { cand, child, pid: child.pid, url: `http://127.0.0.1:${port}`, logPath };
  live.add(run);
  await waitReady(run, t);
  return { run, startMs: performance.now() - t };
}

/** Readiness: a signed ListBuckets that answers 200, polled every 25 ms. */
async function waitReady(run: Running, t: number): Promise<void> {
  const client = makeClient(run, true, 5000);
  let last = "no answer";
  try {
    while (performance.now() - t < run.cand.startTimeoutS * 1000) {
      const code = run.child.exitCode;
      if (code !== null) throw new Error(`exited ${code}: ${tail(run)}`);
      try {
        await client.send(new ListBucketsCommand({}));
        return;
      } catch (e) {
        last = errText(e);
      }
      await sleep(25);
    }
    throw new Error(`not ready after ${run.cand.startTimeoutS} s (${last}): ${tail(run)}`);
  } finally {
    client.destroy();
  }
}

function tail(run: Running): string {
  const text = fs.readFileSync(run.logPath, "utf8").trim().split("\n");
  return text.slice(-4).join(" | ").slice(0, 400);
}

async function stopServer(run: Running): Promise<void> {
  const pids = [...descendants(run.pid), run.pid];
  const exited = new Promise<void>((r) => {
    if (run.child.exitCode !== null || run.child.signalCode !== null) r();
    else run.child.once("exit", () => r());
  });
  killPid(run.pid, "SIGTERM");
  const ok = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
  for (const pid of pids) killPid(pid, "SIGKILL"); // stragglers and descendants, by PID
  if (!ok) await exited;
  live.delete(run);
}

// ---------------------------------------------------------------- /proc facts

/** VmRSS of the server and its descendants, in MiB. */
function rssMiB(pid: number): number {
  let kb = 0;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, "utf8"));
      kb += Number(m?.[1] ?? 0);
    } catch {
      continue;
    }
  }
  return kb / 1024;
}

function decodeAddr(hex: string): string {
  const [ip = "", portHex = "0"] = hex.split(":");
  const port = parseInt(portHex, 16);
  if (ip.length === 8) {
    const b = (ip.match(/../g) ?? []).map((x) => parseInt(x, 16)).reverse();
    return `${b.join(".")}:${port}`;
  }
  const bytes = (ip.match(/.{8}/g) ?? []).flatMap((w) => (w.match(/../g) ?? []).reverse());
  const s = bytes.join("");
  if (/^0+$/.test(s)) return `[::]:${port}`;
  if (s === "00000000000000000000000000000001") return `[::1]:${port}`;
  if (s.startsWith("00000000000000000000ffff")) {
    const v4 = (s.slice(24).match(/../g) ?? []).map((x) => parseInt(x, 16)).join(".");
    return `[::ffff:${v4}]:${port}`;
  }
  return `[${(s.match(/.{4}/g) ?? []).join(":")}]:${port}`;
}

/** TCP listen addresses owned by the server process tree. */
function listenAddrs(pid: number): string[] {
  const inodes = new Set<string>();
  for (const p of [pid, ...descendants(pid)]) {
    try {
      for (const fd of fs.readdirSync(`/proc/${p}/fd`)) {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${p}/fd/${fd}`));
        if (m?.[1]) inodes.add(m[1]);
      }
    } catch {
      continue;
    }
  }
  const out = new Set<string>();
  for (const f of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of fs.readFileSync(f, "utf8").split("\n").slice(1)) {
      const c = line.trim().split(/\s+/);
      if (c[3] === "0A" && c[9] && inodes.has(c[9]) && c[1]) out.add(decodeAddr(c[1]));
    }
  }
  return [...out].sort();
}

const isLoopback = (a: string): boolean => /^(127\.|\[::1\]|\[::ffff:127\.)/.test(a);

// ---------------------------------------------------------------- S3 client and checks

function makeClient(run: Running, whenRequired: boolean, timeoutMs = 20_000): S3Client {
  return new S3Client({
    endpoint: run.url,
    region: "us-east-1",
    forcePathStyle: true,
    maxAttempts: 1, // no silent retries: an error is counted, not hidden
    credentials: { accessKeyId: run.cand.accessKeyId, secretAccessKey: run.cand.secretAccessKey },
    requestHandler: {
      httpAgent: new Agent({ keepAlive: true, maxSockets: 16 }),
      requestTimeout: timeoutMs,
      connectionTimeout: 2000,
    },
    ...(whenRequired
      ? { requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" }
      : {}),
  });
}

async function createBucket(client: S3Client): Promise<void> {
  try {
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  } catch (e) {
    const name = (e as { name?: string }).name;
    if (name !== "BucketAlreadyOwnedByYou" && name !== "BucketAlreadyExists") throw e;
  }
}

/** Reads a GET body while hashing it; returns [bytes, hex sha256]. */
async function readHashed(body: unknown): Promise<[number, string]> {
  const h = createHash("sha256");
  let n = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    h.update(chunk);
    n += chunk.length;
  }
  return [n, h.digest("hex")];
}

async function getVerified(client: S3Client, key: string): Promise<string> {
  const res = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  const [n, h] = await readHashed(res.Body);
  if (h === key) return "ok";
  return `CORRUPT: ${n} bytes back${n === SIZE ? " (same length, other bytes)" : ""}`;
}

/** One 4 MiB PUT with a Readable body (ContentLength set), read back and compared. */
async function streamRoundTrip(run: Running, whenRequired: boolean): Promise<string> {
  const client = makeClient(run, whenRequired);
  try {
    const body = randomBytes(SIZE);
    const key = sha256(body);
    const chunks: Buffer[] = [];
    for (let o = 0; o < SIZE; o += 64 * 1024) chunks.push(body.subarray(o, o + 64 * 1024));
    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        Body: Readable.from(chunks, { objectMode: false }),
        ContentLength: SIZE,
      }),
    );
    return await getVerified(client, key);
  } catch (e) {
    return `error: ${errText(e)}`;
  } finally {
    client.destroy();
  }
}

interface CondResult {
  create: string;
  overwrite: string;
  kept: string;
  race: string;
}

/** `If-None-Match: *`: create, refused overwrite, content kept, and one winner out of 8. */
async function conditionalCreate(client: S3Client): Promise<CondResult> {
  const put = async (key: string, body: Buffer): Promise<string> => {
    try {
      await client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, IfNoneMatch: "*" }),
      );
      return "200";
    } catch (e) {
      return String(statusOf(e) ?? errText(e));
    }
  };
  const a = randomBytes(1024);
  const key = sha256(a);
  const create = await put(key, a);
  const overwrite = await put(key, randomBytes(1024));
  let kept: string;
  try {
    kept = (await getVerified(client, key)) === "ok" ? "yes" : "NO (overwritten)";
  } catch (e) {
    kept = `error: ${errText(e)}`;
  }
  const raceKey = sha256(randomBytes(32));
  const codes = await Promise.all(Array.from({ length: 8 }, () => put(raceKey, randomBytes(1024))));
  const wins = codes.filter((c) => c === "200").length;
  const race = `${wins}/8 won (${[...new Set(codes)].sort().join(",")})`;
  return { create, overwrite, kept, race };
}

function condVerdict(c: CondResult): string {
  if (c.create !== "200") return `create refused (${c.create})`;
  if (c.overwrite === "412" && c.kept === "yes" && c.race.startsWith("1/8")) return "yes";
  if (c.overwrite === "200") return "ignored (overwrites)";
  return `partly (overwrite ${c.overwrite}, kept ${c.kept}, race ${c.race})`;
}

// ---------------------------------------------------------------- load runs

interface RunStat {
  ops: number;
  errors: number;
  corrupt: number;
  wallS: number;
  p50: number;
  p99: number;
  firstError?: string;
}
interface OpStat {
  op: string;
  conc: number;
  runs: RunStat[];
  opsPerS: number;
  mibPerS: number;
  p50: number;
  p99: number;
  errors: number;
  corrupt: number;
  firstError?: string;
}

class Corrupt extends Error {}

const pct = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const median = (xs: number[]): number =>
  pct(
    [...xs].sort((a, b) => a - b),
    0.5,
  );

/** `conc` workers call `op` until `seconds` are over; latency is what `op` returns (ms). */
async function timedRun(
  conc: number,
  seconds: number,
  op: (worker: number) => Promise<number>,
): Promise<RunStat> {
  const lat: number[] = [];
  const s: RunStat = { ops: 0, errors: 0, corrupt: 0, wallS: 0, p50: NaN, p99: NaN };
  const start = performance.now();
  const end = start + seconds * 1000;
  const worker = async (w: number): Promise<void> => {
    while (performance.now() < end && s.errors < 20) {
      try {
        lat.push(await op(w));
        s.ops++;
      } catch (e) {
        if (e instanceof Corrupt) s.corrupt++;
        else s.errors++;
        s.firstError ??= e instanceof Corrupt ? e.message : errText(e);
      }
    }
  };
  await Promise.all(Array.from({ length: conc }, (_, w) => worker(w)));
  s.wallS = (performance.now() - start) / 1000;
  lat.sort((a, b) => a - b);
  s.p50 = pct(lat, 0.5);
  s.p99 = pct(lat, 0.99);
  return s;
}

function summarise(op: string, conc: number, runs: RunStat[], bytesPerOp: number): OpStat {
  const opsPerS = median(runs.map((r) => r.ops / r.wallS));
  const first = runs.find((r) => r.firstError)?.firstError;
  return {
    op,
    conc,
    runs,
    opsPerS,
    mibPerS: (opsPerS * bytesPerOp) / MIB,
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    corrupt: runs.reduce((a, r) => a + r.corrupt, 0),
    ...(first ? { firstError: first } : {}),
  };
}

/** PUT op: unique content per op (counter stamped into a per-worker buffer), key = its sha256. */
function putOp(client: S3Client, keys: string[]): (w: number) => Promise<number> {
  const base = randomBytes(SIZE);
  const bufs = Array.from({ length: 8 }, () => Buffer.from(base));
  let counter = 0;
  const nonce = randomBytes(8);
  return async (w) => {
    const buf = bufs[w] as Buffer;
    buf.writeUInt32BE(counter++, 0);
    nonce.copy(buf, 4);
    const key = sha256(buf); // hashing (~2.6 ms) is outside the measured latency
    const t = performance.now();
    await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: buf, ContentLength: SIZE }),
    );
    const ms = performance.now() - t;
    keys.push(key);
    return ms;
  };
}

/** GET op over the keys written so far; latency includes streaming SHA-256 of the body. */
function getOp(client: S3Client, keys: string[]): (w: number) => Promise<number> {
  let i = 0;
  return async () => {
    const key = keys[i++ % keys.length] as string;
    const t = performance.now();
    const res = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const [n, h] = await readHashed(res.Body);
    const ms = performance.now() - t;
    if (h !== key) throw new Corrupt(`GET ${key.slice(0, 12)}…: ${n} bytes, sha mismatch`);
    return ms;
  };
}

function headOp(client: S3Client, keys: string[]): (w: number) => Promise<number> {
  let i = 0;
  return async () => {
    const key = keys[i++ % keys.length] as string;
    const t = performance.now();
    const res = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    const ms = performance.now() - t;
    if (res.ContentLength !== SIZE) throw new Corrupt(`HEAD length ${res.ContentLength}`);
    return ms;
  };
}

// ---------------------------------------------------------------- one server

interface ServerResult {
  name: string;
  version: string;
  skipped?: string;
  error?: string;
  command?: string;
  startMs?: number;
  rssMiB?: number;
  listen?: string[];
  loopbackOnly?: boolean;
  streamPutWhenRequired?: string;
  streamPutSdkDefaults?: string;
  ifNoneMatch?: CondResult & { verdict: string };
  ops: OpStat[];
}

async function loadPhases(client: S3Client, o: Options, res: ServerResult): Promise<void> {
  const keys: string[] = [];
  const plan: [
    string,
    number,
    (c: S3Client, k: string[]) => (w: number) => Promise<number>,
    number,
    number,
  ][] = [
    ["PUT", 1, putOp, o.seconds, SIZE],
    ["PUT", 8, putOp, o.seconds, SIZE],
    ["GET", 1, getOp, o.seconds, SIZE],
    ["GET", 8, getOp, o.seconds, SIZE],
    ["HEAD", 1, headOp, o.seconds / 2, 0],
    ["HEAD", 8, headOp, o.seconds / 2, 0],
  ];
  for (const [op, conc, make, secs, bytes] of plan) {
    if (op !== "PUT" && keys.length === 0) {
      log(`  ${op}: no objects were written`);
      continue;
    }
    if (remainingMs() < secs * 3000 + 20_000) {
      log(`  ${op} c${conc}: skipped (time budget)`);
      continue;
    }
    const runs: RunStat[] = [];
    for (let r = 0; r < 3; r++) runs.push(await timedRun(conc, secs, make(client, keys)));
    const s = summarise(op, conc, runs, bytes);
    res.ops.push(s);
    log(
      `  ${op} c${conc}: ${s.opsPerS.toFixed(1)} ops/s p50 ${s.p50.toFixed(1)} ms` +
        `${s.errors || s.corrupt ? ` errors ${s.errors} corrupt ${s.corrupt} ${s.firstError}` : ""}`,
    );
  }
}

async function benchServer(cand: Candidate, o: Options): Promise<ServerResult> {
  let version: string;
  try {
    version = cand.probe();
  } catch (e) {
    return { name: cand.name, version: "-", skipped: (e as Error).message, ops: [] };
  }
  const res: ServerResult = { name: cand.name, version, ops: [] };
  log(`${cand.name} ${version}: starting`);
  let run: Running | undefined;
  let client: S3Client | undefined;
  try {
    const started = await startServer(cand);
    run = started.run;
    res.startMs = started.startMs;
    res.command = fs.readFileSync(run.logPath, "utf8").split("\n")[0]?.slice(2);
    log(`  ready in ${res.startMs.toFixed(0)} ms at ${run.url} (pid ${run.pid})`);
    client = makeClient(run, true);
    await createBucket(client);
    res.listen = listenAddrs(run.pid);
    res.loopbackOnly = res.listen.every(isLoopback);
    res.streamPutWhenRequired = await streamRoundTrip(run, true);
    res.streamPutSdkDefaults = await streamRoundTrip(run, false);
    const cond = await conditionalCreate(client);
    res.ifNoneMatch = { ...cond, verdict: condVerdict(cond) };
    log(
      `  stream PUT: ${res.streamPutWhenRequired} / defaults ${res.streamPutSdkDefaults}; ` +
        `If-None-Match: ${res.ifNoneMatch.verdict}`,
    );
    await loadPhases(client, o, res);
    res.rssMiB = rssMiB(run.pid);
  } catch (e) {
    res.error = errText(e);
    log(`  ${cand.name} failed: ${res.error}`);
  } finally {
    client?.destroy();
    if (run) await stopServer(run);
  }
  return res;
}

// ---------------------------------------------------------------- report

const fmt = (x: number | undefined, d: number): string =>
  x === undefined || Number.isNaN(x) ? "-" : x.toFixed(d);
const f1 = (x: number | undefined): string => fmt(x, 1);
const f0 = (x: number | undefined): string => fmt(x, 0);

function table(rows: string[][]): string {
  const w = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]): string => `| ${r.map((c, i) => c.padEnd(w[i] ?? 0)).join(" | ")} |`;
  const sep = `|${w.map((n) => "-".repeat(n + 2)).join("|")}|`;
  return [line(rows[0] ?? []), sep, ...rows.slice(1).map(line)].join("\n");
}

function render(results: ServerResult[], o: Options): string {
  const ok = results.filter((r) => !r.skipped && !r.error);
  const ops = ["PUT c1", "PUT c8", "GET c1", "GET c8", "HEAD c1", "HEAD c8"];
  const head = ["op", ...ok.map((r) => r.name)];
  const cell = (r: ServerResult, key: string): string => {
    const s = r.ops.find((x) => `${x.op} c${x.conc}` === key);
    if (!s) return "-";
    const bad = s.errors + s.corrupt ? ` ERR ${s.errors}/${s.corrupt}` : "";
    const mib = s.op === "HEAD" ? "" : ` = ${f0(s.mibPerS)} MiB/s`;
    return `${f1(s.opsPerS)} ops/s${mib} (${f1(s.p50)}/${f1(s.p99)} ms)${bad}`;
  };
  const perf = [head, ...ops.map((k) => [k, ...ok.map((r) => cell(r, k))])];
  const facts = [
    [
      "server",
      "version",
      "start ms",
      "RSS MiB",
      "stream PUT (WHEN_REQUIRED / SDK " + "defaults)",
      "If-None-Match: *",
      "listens on",
    ],
  ];
  for (const r of results) {
    if (r.skipped || r.error) {
      facts.push([r.name, r.version, "-", "-", r.skipped ?? `FAILED: ${r.error}`, "-", "-"]);
      continue;
    }
    facts.push([
      r.name,
      r.version,
      f0(r.startMs),
      f0(r.rssMiB),
      `${r.streamPutWhenRequired} / ${r.streamPutSdkDefaults}`,
      `${r.ifNoneMatch?.verdict} (race ${r.ifNoneMatch?.race})`,
      `${(r.listen ?? []).join(" ")}${r.loopbackOnly ? "" : " NOT LOOPBACK-ONLY"}`,
    ]);
  }
  return [
    `4 MiB objects; medians of 3 runs x ${o.seconds} s (HEAD ${o.seconds / 2} s); ` +
      "ops/s (p50/p99 ms). Client and server share this machine's cores.",
    table(perf),
    "",
    table(facts),
  ].join("\n");
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  const o = parseArgs(process.argv.slice(2));
  const loadStart = loadavg();
  fs.mkdirSync(WORK, { recursive: true });
  const watchdog = setTimeout(() => {
    log(`time budget of ${BUDGET_MS / 1000} s exceeded: killing servers`);
    killAllNow();
    process.exit(3);
  }, BUDGET_MS + 10_000);
  watchdog.unref();
  const results: ServerResult[] = [];
  for (const cand of CANDIDATES) {
    if (o.only && !o.only.includes(cand.name)) continue;
    if (remainingMs() < 30_000) {
      results.push({ name: cand.name, version: "-", skipped: "time budget", ops: [] });
      continue;
    }
    const r = await benchServer(cand, o);
    if (r.skipped) log(`${cand.name}: skipped: ${r.skipped}`);
    results.push(r);
  }
  const load =
    `load average ${loadStart.map((x) => x.toFixed(1)).join("/")} at start, ` +
    `${loadavg()
      .map((x) => x.toFixed(1))
      .join("/")} at end (1/5/15 min), ${cpus().length} cores`;
  const doc = {
    bench: "s3-servers",
    at: new Date().toISOString(),
    node: process.version,
    load,
    objectBytes: SIZE,
    secondsPerRun: o.seconds,
    runs: 3,
    results,
  };
  if (o.out) fs.writeFileSync(o.out, `${JSON.stringify(doc, null, 2)}\n`);
  const text = o.json ? JSON.stringify(doc, null, 2) : `${render(results, o)}\n${load}`;
  process.stdout.write(`${text}\n`);
  return results.some((r) => r.error) ? 1 : 0;
}

process.on("exit", killAllNow);
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    killAllNow();
    process.exit(130);
  });
}
main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e);
    killAllNow();
    process.exitCode = 2;
  },
);
