// `npx tsx reference-impl/core/bench/codec-options.ts [--runs N] [--quick]`: the measurements behind
// design/decisions/0005 (codec of large literal sections). Every built-in codec setting in the
// running Node (deflate levels 1-9 with and without a 32 KiB source dictionary, brotli qualities
// 0-6 over window and mode), applied to the split bodies the encoder really produces: the bench's
// text-unrelated block and the blocks of the real corpus (typescript, esbuild-wasm, esbuild); for
// reference, `zstd -3`/`-1` (CLI) of the same bytes and zstd's own in-memory speed (`zstd -b`).
// Prints one line per setting: bytes, compress wall/CPU ms, decompress ms (median of runs).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  brotliCompressSync,
  brotliDecompressSync,
  constants as z,
  deflateRawSync,
  inflateRawSync,
} from "node:zlib";
import { concatBlocks, windowRange } from "../delta-file.ts";
import { instructionBodies } from "../delta.ts";
import { brotliSettingsFor, sampleRatio } from "../delta-pack.ts";
import { syntheticPair } from "./corpus.ts";
import { blockSizeBytes } from "../limits.ts";

const { values: flags } = parseArgs({
  options: { runs: { type: "string" }, quick: { type: "boolean" } },
});
const runs = Number(flags.runs ?? 5);
const mib4 = blockSizeBytes;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

interface Setting {
  name: string;
  pack(body: Uint8Array, dict: Uint8Array): Uint8Array;
  unpack(packed: Uint8Array, dict: Uint8Array): Uint8Array;
}

function deflate(level: number, withDict: boolean, strategy?: number): Setting {
  return {
    name: `deflate-${level}${withDict ? "+dict" : ""}${
      strategy === undefined ? "" : `-strategy${strategy}`
    }`,
    pack: (b, d) =>
      deflateRawSync(b, {
        level,
        ...(withDict ? { dictionary: d } : {}),
        ...(strategy === undefined ? {} : { strategy }),
      }),
    unpack: (p, d) => inflateRawSync(p, withDict ? { dictionary: d } : {}),
  };
}

function brotli(quality: number, lgwin: number, text: boolean, lgblock?: number): Setting {
  return {
    name: `brotli-q${quality}-w${lgwin}${text ? "-text" : ""}${lgblock ? `-b${lgblock}` : ""}`,
    pack: (b) =>
      brotliCompressSync(b, {
        params: {
          [z.BROTLI_PARAM_QUALITY]: quality,
          [z.BROTLI_PARAM_LGWIN]: lgwin,
          [z.BROTLI_PARAM_SIZE_HINT]: b.length,
          [z.BROTLI_PARAM_MODE]: text ? z.BROTLI_MODE_TEXT : z.BROTLI_MODE_GENERIC,
          ...(lgblock ? { [z.BROTLI_PARAM_LGBLOCK]: lgblock } : {}),
        },
      }),
    unpack: (p) => brotliDecompressSync(p),
  };
}

function settings(): Setting[] {
  const out: Setting[] = [];
  for (let level = 1; level <= 9; level++) out.push(deflate(level, false), deflate(level, true));
  out.push(deflate(1, false, z.Z_HUFFMAN_ONLY), deflate(6, false, z.Z_FILTERED));
  for (let q = 0; q <= 6; q++) {
    for (const lgwin of flags.quick ? [18, 22] : [16, 18, 20, 22, 24]) {
      out.push(brotli(q, lgwin, false));
      if (q >= 2) out.push(brotli(q, lgwin, true));
    }
  }
  out.push(brotli(4, 18, false, 16), brotli(3, 22, false, 16), brotli(4, 22, false, 16));
  return out;
}

interface Subject {
  name: string;
  body: Uint8Array;
  dict: Uint8Array;
}

function subjects(): Subject[] {
  const list: Subject[] = [];
  // The bench's own pair: delta.bench.ts seeds text cases from 20240904 + 7 + edit index 5.
  const pair = syntheticPair(20240904 + 7 + 5, "text", "unrelated", mib4);
  const unrelated = instructionBodies(pair.source, pair.target);
  list.push({
    name: `text-unrelated split body (${unrelated.literalBytes} B literals)`,
    body: unrelated.split,
    dict: pair.source.subarray(0, 32 * 1024),
  });
  const dir = join(".syncbench", "cache", "delta-corpus");
  // The real corpus of measure.ts (same releases and files); text blocks also as if all new.
  const files = [
    ["typescript-5.4.4", "typescript-5.4.5", "lib/typescript.js", "text"],
    ["esbuild-wasm-0.20.1", "esbuild-wasm-0.20.2", "esbuild.wasm", "binary"],
    ["esbuild-linux-x64-0.20.1", "esbuild-linux-x64-0.20.2", "bin/esbuild", "binary"],
  ] as const;
  for (const [from, to, file, kind] of files) {
    const oldPath = join(dir, from, "package", file);
    const newPath = join(dir, to, "package", file);
    if (!existsSync(oldPath) || !existsSync(newPath)) {
      process.stdout.write(`${file} not cached: run \`npm run bench:delta\` once first\n`);
      continue;
    }
    const oldFile = readFileSync(oldPath);
    const newFile = readFileSync(newPath);
    const oldBlocks: Uint8Array[] = [];
    for (let at = 0; at < oldFile.length; at += mib4)
      oldBlocks.push(oldFile.subarray(at, at + mib4));
    for (let i = 0; i * mib4 < newFile.length; i++) {
      const { first, end } = windowRange(i, oldBlocks.length);
      const window = concatBlocks(oldBlocks.slice(first, end));
      const block = newFile.subarray(i * mib4, (i + 1) * mib4);
      const b = instructionBodies(window, block);
      list.push({
        name: `${file} block ${i} split body (${b.literalBytes} B literals)`,
        body: b.split,
        dict: window.subarray(0, 32 * 1024),
      });
      if (kind === "text") {
        list.push({
          name: `${file} block ${i} as all-new text`,
          body: block,
          dict: window.subarray(0, 32 * 1024),
        });
      }
    }
  }
  return list;
}

function zstdFigures(dir: string, body: Uint8Array): string[] {
  const file = join(dir, "body");
  writeFileSync(file, body);
  const lines: string[] = [];
  for (const level of [1, 3]) {
    const t0 = performance.now();
    execFileSync("zstd", ["-q", "-f", `-${level}`, file, "-o", `${file}.zst`]);
    const encodeMs = performance.now() - t0;
    const t1 = performance.now();
    execFileSync("zstd", ["-q", "-f", "-d", `${file}.zst`, "-o", `${file}.out`]);
    const decodeMs = performance.now() - t1;
    // zstd -b: in-memory compression and decompression speed, no process start or file I/O.
    const bench = execFileSync("zstd", [`-b${level}`, "-i1", file], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    const speeds = [...bench.matchAll(/([\d.]+) MB\/s,\s+([\d.]+) MB\/s/g)].pop();
    const inMemory = speeds
      ? `compress ${(body.length / (Number(speeds[1]) * 1e3)).toFixed(1)} ` +
        `ms, decompress ${(body.length / (Number(speeds[2]) * 1e3)).toFixed(2)} ms`
      : "not parsed";
    lines.push(
      `  zstd -${level} (CLI): ${statSync(`${file}.zst`).size} B, encode ` +
        `${encodeMs.toFixed(1)} ms, decode ${decodeMs.toFixed(1)} ms (process + file I/O); ` +
        `in memory (zstd -b${level}): ${inMemory}`,
    );
  }
  return lines;
}

function main(): void {
  process.stdout.write(
    `codec-options runs=${runs} cpus=${cpus().length} node=${process.version} ` +
      `zlib=${process.versions.zlib} brotli=${process.versions.brotli} ` +
      `loadavg=${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}\n`,
  );
  const dir = mkdtempSync(join(tmpdir(), "syncbench-codec-"));
  try {
    for (const s of subjects()) {
      const ratio = sampleRatio(s.body);
      process.stdout.write(
        `\n${s.name}: ${s.body.length} B, deflate-1 sample ratio ` +
          `${ratio?.toFixed(3) ?? "– (below 64 KiB)"}, syncbench's choice ` +
          `${JSON.stringify(brotliSettingsFor(s.body.length, ratio))}\n`,
      );
      for (const line of zstdFigures(dir, s.body)) process.stdout.write(`${line}\n`);
      const copy = [] as number[];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        Buffer.from(s.body);
        copy.push(performance.now() - t0);
      }
      process.stdout.write(`  copy (allocate + memcpy): ${median(copy).toFixed(2)} ms\n`);
      const small = s.body.length < 256 * 1024;
      for (const setting of settings()) {
        const enc: number[] = [];
        const encCpu: number[] = [];
        const dec: number[] = [];
        let packed = setting.pack(s.body, s.dict);
        const n = small ? runs : Math.min(runs, 3);
        for (let i = 0; i < n; i++) {
          const c0 = cpuMs();
          const t0 = performance.now();
          packed = setting.pack(s.body, s.dict);
          enc.push(performance.now() - t0);
          encCpu.push(cpuMs() - c0);
          const t1 = performance.now();
          const back = setting.unpack(packed, s.dict);
          dec.push(performance.now() - t1);
          if (Buffer.compare(back, s.body) !== 0)
            throw new Error(`${setting.name}: round trip failed`);
        }
        process.stdout.write(
          `  ${setting.name.padEnd(26)} ${String(packed.length).padStart(8)} B ` +
            `enc ${median(enc).toFixed(1).padStart(6)} ms (cpu ${median(encCpu).toFixed(1)}) ` +
            `dec ${median(dec).toFixed(2)} ms\n`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(
    `\nloadavg after=${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}\n`,
  );
}

main();
