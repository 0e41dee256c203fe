// Measurement half of the delta benchmark (delta.bench.ts): syncbench in process (median of runs,
// wall and CPU time, every round trip checked by SHA-256) and the anchors as processes on the same
// pairs; the synthetic corpus and the real-world corpus of consecutive npm releases, fetched once
// with `npm pack` into .syncbench/cache/delta-corpus/.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliDecompressSync, deflateRawSync, inflateRawSync } from "node:zlib";
import { applyDelta, encodeDelta } from "../delta.ts";
import { ByteReader, deltaMode, varintSize } from "../wire.ts";
import { concatBlocks, windowRange } from "../delta-file.ts";
import { sha256Hex } from "../hash.ts";
import { editNames, syntheticPair, type Content } from "./corpus.ts";
import { anchors, runAnchor, type Anchor } from "./anchors.ts";
import { blockSizeBytes } from "../limits.ts";

export interface BenchOptions {
  readonly quick: boolean;
  /** syncbench runs per pair (>= 5); anchors run as often, bsdiff at most 3 times. */
  readonly runs: number;
  readonly anchorRuns: number;
  readonly log: (line: string) => void;
}

let opts: BenchOptions = { quick: false, runs: 5, anchorRuns: 5, log: () => undefined };
export function configure(options: BenchOptions): void {
  opts = options;
}
const log = (line: string) => opts.log(line);
const mib4 = blockSizeBytes;
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export interface Cell {
  bytes: number;
  encodeMs: number;
  decodeMs: number;
  encodeCpuMs?: number;
  decodeCpuMs?: number;
  roundTripOk: boolean;
  runs: number;
}
export interface Row {
  corpus: string;
  name: string;
  kind: string;
  newBytes: number;
  cells: Record<string, Cell>;
  decodeFloor?: DecodeFloor;
  bodyFloor?: BodyFloor;
}

/**
 * For a real block: syncbench's decode and the decompressor alone on the very body its delta
 * carries, timed in the same paired rounds, so a decode miss shows how much of it is the
 * decompressor and how much the instruction loop.
 */
export interface BodyFloor {
  readonly oursPairedMs: number;
  /** brotliDecompressSync / inflateRawSync of the body (undefined: raw or plain delta). */
  readonly decompressMs: number | undefined;
  readonly mode: string;
}

/**
 * What decoding an all-new block cannot beat, measured in the same run on the same bytes: the
 * decompressor alone on syncbench's own body, inflate of deflate-6 of NEW and a plain 4 MiB copy
 * (each timed in the same rounds as syncbench's decode), zstd's decoder (CLI, and in memory as
 * `zstd -b` reports it). Anchors the decode target.
 */
export interface DecodeFloor {
  /** syncbench's applyDelta, timed in the same rounds as the floors beside it. */
  readonly oursPairedMs: number;
  /** brotliDecompressSync of the body syncbench's delta carries (undefined: not brotli). */
  readonly brotliBodyMs: number | undefined;
  readonly inflateMs: number;
  readonly deflate6Bytes: number;
  /** `zstd -d` of `zstd -3` of NEW as a process: start-up and file I/O included. */
  readonly zstdCliMs: number | undefined;
  /** zstd -3's decompression speed in memory (`zstd -b3`), as ms for these bytes. */
  readonly zstdInMemoryMs: number | undefined;
  readonly copyMs: number;
}

/** Paired rounds of applyDelta and of the decompressor alone on the delta's body. */
function bodyFloor(source: Uint8Array, target: Uint8Array, delta: Uint8Array): BodyFloor {
  const mode = (delta[1] as number) & 15;
  const body = delta.subarray(2 + varintSize(target.length));
  const dictLength = mode === deltaMode.deflate ? deflateDictionaryLength(body) : 0;
  const decompress =
    mode === deltaMode.brotli
      ? () => brotliDecompressSync(body)
      : mode === deltaMode.deflate
        ? () => inflateBody(source, body, dictLength)
        : () => undefined;
  const [oursMs, decompressMs] = pairedMedians([
    () => applyDelta(source, delta, { targetBytesMax: target.length }),
    decompress,
  ]) as [number, number];
  const names = ["raw", "plain", "deflate", "brotli"];
  return {
    oursPairedMs: oursMs,
    mode: names[mode] ?? String(mode),
    decompressMs:
      mode === deltaMode.brotli || mode === deltaMode.deflate ? decompressMs : undefined,
  };
}

/** The dictionary header of a deflate body: varint(dictStart) varint(dictLength). */
function deflateDictionaryLength(body: Uint8Array): number {
  const r = new ByteReader(body, 0, "deflate body");
  r.varint("the dictionary offset");
  return r.varint("the dictionary length");
}

function inflateBody(source: Uint8Array, body: Uint8Array, dictLength: number): Uint8Array {
  const r = new ByteReader(body, 0, "deflate body");
  const dictStart = r.varint("the dictionary offset");
  r.varint("the dictionary length");
  const dictionary = source.subarray(dictStart, dictStart + dictLength);
  return inflateRawSync(body.subarray(r.pos), dictLength > 0 ? { dictionary } : {});
}

function measureOursWithDelta(
  source: Uint8Array,
  target: Uint8Array,
): { cell: Cell; delta: Uint8Array } {
  const enc: number[] = [];
  const encCpu: number[] = [];
  const dec: number[] = [];
  const decCpu: number[] = [];
  let delta = encodeDelta(source, target); // warm-up
  let ok = true;
  const expected = sha256Hex(target);
  for (let i = 0; i < opts.runs; i++) {
    const c0 = cpuMs();
    const t0 = performance.now();
    delta = encodeDelta(source, target);
    enc.push(performance.now() - t0);
    encCpu.push(cpuMs() - c0);
    const c1 = cpuMs();
    const t1 = performance.now();
    const out = applyDelta(source, delta, { targetBytesMax: target.length });
    dec.push(performance.now() - t1);
    decCpu.push(cpuMs() - c1);
    ok &&= sha256Hex(out) === expected;
  }
  return {
    cell: {
      bytes: delta.length,
      encodeMs: median(enc),
      encodeCpuMs: median(encCpu),
      decodeMs: median(dec),
      decodeCpuMs: median(decCpu),
      roundTripOk: ok,
      runs: opts.runs,
    },
    delta,
  };
}

/**
 * Times each function in turn, `opts.runs` rounds (after one warm-up round), and returns each
 * one's median: paired rounds, so load on the shared machine hits all of them alike.
 */
function pairedMedians(fns: readonly (() => unknown)[]): number[] {
  for (const fn of fns) fn();
  const ms = fns.map(() => [] as number[]);
  for (let i = 0; i < opts.runs; i++) {
    fns.forEach((fn, k) => {
      const t0 = performance.now();
      fn();
      (ms[k] as number[]).push(performance.now() - t0);
    });
  }
  return ms.map(median);
}

/** zstd -b<level> of `file`: its in-memory decompression speed, as ms for `bytes`. */
function zstdInMemoryDecodeMs(file: string, level: number, bytes: number): number | undefined {
  const out = execFileSync("zstd", [`-b${level}`, "-i1", file], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const speeds = [...out.matchAll(/([\d.]+) MB\/s,\s+([\d.]+) MB\/s/g)].pop();
  const mbPerS = speeds ? Number(speeds[2]) : Number.NaN;
  return Number.isFinite(mbPerS) && mbPerS > 0 ? bytes / (mbPerS * 1e3) : undefined;
}

function decodeFloor(
  dir: string,
  source: Uint8Array,
  target: Uint8Array,
  delta: Uint8Array,
  zstdCell: Cell | undefined,
  tools: Set<string>,
): DecodeFloor {
  const bodyStart = 2 + varintSize(target.length);
  const isBrotli = ((delta[1] as number) & 15) === deltaMode.brotli;
  const body = delta.subarray(bodyStart);
  const deflated = deflateRawSync(target, { level: 6 });
  writeFileSync(join(dir, "new"), target);
  const [oursMs, brotliMs, inflateMs, copyMs] = pairedMedians([
    () => applyDelta(source, delta, { targetBytesMax: target.length }),
    () => (isBrotli ? brotliDecompressSync(body) : undefined),
    () => inflateRawSync(deflated),
    () => Buffer.from(target),
  ]) as [number, number, number, number];
  return {
    oursPairedMs: oursMs,
    brotliBodyMs: isBrotli ? brotliMs : undefined,
    inflateMs,
    deflate6Bytes: deflated.length,
    zstdCliMs: zstdCell?.decodeMs,
    zstdInMemoryMs: tools.has("zstd")
      ? zstdInMemoryDecodeMs(join(dir, "new"), 3, target.length)
      : undefined,
    copyMs,
  };
}

const noDelta: Anchor = {
  name: "zstd-3-nodelta",
  tool: "zstd",
  encode: (_o, n, d) => [["zstd", "-q", "-f", "-3", n, "-o", d]],
  decode: (_o, d, out) => [["zstd", "-q", "-f", "-d", d, "-o", out]],
};

function measureAnchors(
  dir: string,
  source: Uint8Array,
  target: Uint8Array,
  list: readonly Anchor[],
  tools: Set<string>,
): Record<string, Cell> {
  writeFileSync(join(dir, "old"), source);
  writeFileSync(join(dir, "new"), target);
  const cells: Record<string, Cell> = {};
  for (const anchor of list) {
    if (!tools.has(anchor.tool)) continue;
    const n = anchor.name === "bsdiff" ? Math.min(opts.anchorRuns, 3) : opts.anchorRuns;
    const r = runAnchor(anchor, dir, n);
    cells[anchor.name] = {
      bytes: r.bytes,
      encodeMs: median(r.encodeMs),
      decodeMs: median(r.decodeMs),
      roundTripOk: r.roundTripOk,
      runs: n,
    };
  }
  return cells;
}

export function syntheticRows(dir: string, tools: Set<string>): Row[] {
  const rows: Row[] = [];
  const list = opts.quick
    ? anchors.filter((a) => !["bsdiff", "zstd-19-patchfrom"].includes(a.name))
    : anchors;
  let seed = 20240904;
  for (const content of ["random", "text"] as Content[]) {
    for (const edit of editNames) {
      const pair = syntheticPair(seed++, content, edit, mib4);
      log(`synthetic ${pair.name} ...`);
      const extra = edit === "unrelated" ? [noDelta] : [];
      const ours = measureOursWithDelta(pair.source, pair.target);
      const cells: Record<string, Cell> = {
        syncbench: ours.cell,
        ...measureAnchors(dir, pair.source, pair.target, [...list, ...extra], tools),
      };
      const floor =
        edit === "unrelated"
          ? decodeFloor(dir, pair.source, pair.target, ours.delta, cells[noDelta.name], tools)
          : undefined;
      rows.push({
        corpus: "synthetic",
        name: pair.name,
        kind: content,
        newBytes: pair.target.length,
        cells,
        ...(floor ? { decodeFloor: floor } : {}),
      });
    }
  }
  return rows;
}

/** Consecutive releases of public npm packages; kind "text" or "binary" decides the target. */
const releases = [
  { pkg: "typescript", from: "5.4.4", to: "5.4.5", file: "lib/typescript.js", kind: "text" },
  { pkg: "esbuild-wasm", from: "0.20.1", to: "0.20.2", file: "esbuild.wasm", kind: "binary" },
  { pkg: "@esbuild/linux-x64", from: "0.20.1", to: "0.20.2", file: "bin/esbuild", kind: "binary" },
] as const;

const cacheDir = join(".syncbench", "cache", "delta-corpus");

/** `npm pack` once into the cache, extract once; later runs read the extracted files. */
function fetchRelease(pkg: string, version: string): string {
  const dirName = `${pkg.replace("@", "").replace("/", "-")}-${version}`;
  const target = join(cacheDir, dirName);
  if (existsSync(join(target, "package"))) return join(target, "package");
  mkdirSync(target, { recursive: true });
  log(`fetching ${pkg}@${version} with npm pack into ${cacheDir}`);
  const tgz = execFileSync(
    "npm",
    ["pack", `${pkg}@${version}`, "--silent", "--pack-destination", cacheDir],
    { encoding: "utf8" },
  )
    .trim()
    .split("\n")
    .pop() as string;
  execFileSync("tar", ["-xzf", join(cacheDir, tgz), "-C", target]);
  return join(target, "package");
}

export function realRows(dir: string, tools: Set<string>): { rows: Row[]; files: FileTotal[] } {
  const rows: Row[] = [];
  const files: FileTotal[] = [];
  const list = anchors.filter(
    (a) =>
      ["xdelta3-9", "xdelta3-9-Snone", "zstd-19-patchfrom"].includes(a.name) &&
      !(opts.quick && a.name === "zstd-19-patchfrom"),
  );
  for (const rel of releases) {
    const oldFile = readFileSync(join(fetchRelease(rel.pkg, rel.from), rel.file));
    const newFile = readFileSync(join(fetchRelease(rel.pkg, rel.to), rel.file));
    const oldBlocks: Uint8Array[] = [];
    for (let at = 0; at < oldFile.length; at += mib4)
      oldBlocks.push(oldFile.subarray(at, at + mib4));
    let ours = 0;
    for (let i = 0; i * mib4 < newFile.length; i++) {
      const { first, end } = windowRange(i, oldBlocks.length);
      const window = concatBlocks(oldBlocks.slice(first, end));
      const block = newFile.subarray(i * mib4, (i + 1) * mib4);
      const name = `${rel.pkg}@${rel.from}->${rel.to} ${rel.file} block ${i}`;
      log(`real ${name} ...`);
      const measured = measureOursWithDelta(window, block);
      const cells = {
        syncbench: measured.cell,
        ...measureAnchors(dir, window, block, list, tools),
      };
      ours += cells.syncbench.bytes;
      rows.push({
        corpus: "npm",
        name,
        kind: rel.kind,
        newBytes: block.length,
        cells,
        bodyFloor: bodyFloor(window, block, measured.delta),
      });
    }
    const whole = tools.has("xdelta3")
      ? measureAnchors(dir, oldFile, newFile, [anchors[0] as Anchor], tools)["xdelta3-9"]?.bytes
      : undefined;
    files.push({ name: `${rel.pkg} ${rel.file}`, blocksTotalBytes: ours, wholeFileXdelta9: whole });
  }
  return { rows, files };
}

export interface FileTotal {
  name: string;
  blocksTotalBytes: number;
  wholeFileXdelta9: number | undefined;
}
