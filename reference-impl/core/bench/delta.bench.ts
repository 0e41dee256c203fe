// `npm run bench:delta [-- --quick] [-- --json] [-- --runs N] [-- --no-real]`: syncbench's block
// delta side by side with xdelta3 -9/-1, rdiff, bsdiff and zstd --patch-from on the same pairs in
// the same run (measure.ts), then every target of issue 4 checked against the figures. Prints the
// table (bytes · encode/decode ms, ratio to xdelta3 -9) and every missed target with its figure;
// exits 4 when any target is missed. Timing is wall clock on a shared 2-core machine: the load
// average is printed with the results, and syncbench's CPU time is shown beside its wall time.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sha256Hex } from "../hash.ts";
import { ensureAnchors, toolVersions } from "./anchors.ts";
import {
  configure,
  median,
  realRows,
  syntheticRows,
  type Cell,
  type DecodeFloor,
  type FileTotal,
  type Row,
} from "./measure.ts";
import { blockSizeBytes } from "../limits.ts";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean" },
    json: { type: "boolean" },
    runs: { type: "string" },
    "no-real": { type: "boolean" },
  },
});
const quick = flags.quick === true;
const runs = Math.max(5, Number(flags.runs ?? 5));
const log = (line: string) => (flags.json ? process.stderr : process.stdout).write(`${line}\n`);
configure({ quick, runs, anchorRuns: quick ? 1 : runs, log });

interface Target {
  name: string;
  measured: number;
  limit: number;
  unit: string;
  met: boolean;
  note?: string;
}

const columns = [
  "syncbench",
  "xdelta3-9",
  "xdelta3-1",
  "xdelta3-9-Snone",
  "rdiff-b512",
  "bsdiff",
  "zstd-3-patchfrom",
  "zstd-19-patchfrom",
  "zstd-3-nodelta",
];

function fmtCell(c: Cell | undefined, ours: boolean): string {
  if (!c) return "–";
  const cpu = ours && c.encodeCpuMs !== undefined ? ` (cpu ${c.encodeCpuMs.toFixed(1)})` : "";
  const decodeCpu = ours && c.decodeCpuMs !== undefined ? ` (cpu ${c.decodeCpuMs.toFixed(1)})` : "";
  const ok = c.roundTripOk ? "" : " ROUND TRIP FAILED";
  return `${c.bytes} · ${c.encodeMs.toFixed(1)}${cpu}/${c.decodeMs.toFixed(1)}${decodeCpu}${ok}`;
}

function table(rows: Row[]): string[] {
  const used = columns.filter((c) => rows.some((r) => r.cells[c]));
  const lines = [
    `| case | new B | ${used.join(" | ")} | syncbench / xdelta3-9 |`,
    `|---|---:|${used.map(() => "---:").join("|")}|---:|`,
  ];
  for (const r of rows) {
    const x = r.cells["xdelta3-9"]?.bytes;
    const ratio = x ? ((r.cells.syncbench as Cell).bytes / x).toFixed(3) : "–";
    lines.push(
      `| ${r.name} | ${r.newBytes} | ${used
        .map((c) => fmtCell(r.cells[c], c === "syncbench"))
        .join(" | ")} | ${ratio} |`,
    );
  }
  return lines;
}

function sizeLimit(name: string, newBytes: number): number | undefined {
  const fixed: Record<string, number> = {
    "random-overwrite100": 128,
    "random-insert100": 128,
    "text-overwrite100": 132,
    "text-insert100": 132,
    delete100: 28,
    scattered10x50: 610,
    prepend1k: 1036,
    identical: 10,
  };
  const edit = name.split("-")[1] as string;
  if (fixed[name] !== undefined) return fixed[name];
  if (fixed[edit] !== undefined) return fixed[edit];
  // Issue 4's own size target for unrelated input.
  if (edit === "unrelated") return newBytes + 16;
  return undefined;
}

/** ms figures of a decode floor, for a target's note and the floor line under the table. */
function floorText(f: DecodeFloor): string {
  const ms = (v: number | undefined) => (v === undefined ? "–" : `${v.toFixed(2)} ms`);
  return (
    `paired rounds: syncbench ${ms(f.oursPairedMs)}, brotliDecompressSync of the same ` +
    `body ${ms(f.brotliBodyMs)}, inflateRawSync of ` +
    `deflate-6 of NEW (${f.deflate6Bytes} B) ${ms(f.inflateMs)}, zstd -d CLI ${ms(f.zstdCliMs)} ` +
    `(process + file I/O), zstd -3 in memory (zstd -b3) ${ms(f.zstdInMemoryMs)}, 4 MiB copy ` +
    `${ms(f.copyMs)}`
  );
}

function syntheticTargets(rows: Row[]): Target[] {
  const out: Target[] = [];
  for (const r of rows) {
    const ours = r.cells.syncbench as Cell;
    const edit = r.name.split("-")[1] as string;
    const size = sizeLimit(r.name, r.newBytes);
    if (size !== undefined) out.push(target(`${r.name} size`, ours.bytes, size, "B"));
    // shared/notes/delta.md section 7, row g: "never above zstd -3 of NEW". A goal of the notes,
    // not of the issue; decision 0005 trades it for the issue's 50 ms encode. Still reported.
    const zstd3 = r.cells["zstd-3-nodelta"]?.bytes;
    if (edit === "unrelated" && zstd3 !== undefined) {
      out.push(target(`${r.name} size vs zstd -3 of NEW (notes goal g)`, ours.bytes, zstd3, "B"));
    }
    // Issue 4: encode <= 15 ms on edits, <= 50 ms worst case, decode <= 3 ms. The identical
    // case's 5 ms / 1 ms come from the binding goals table of shared/notes/delta.md section 7.
    const encodeLimit = edit === "identical" ? 5 : edit === "unrelated" ? 50 : 15;
    out.push(target(`${r.name} encode`, ours.encodeMs, encodeLimit, "ms"));
    const decode = target(`${r.name} decode`, ours.decodeMs, edit === "identical" ? 1 : 3, "ms");
    if (r.decodeFloor) decode.note = `floor in this run: ${floorText(r.decodeFloor)}`;
    out.push(decode);
    out.push(target(`${r.name} round trip`, ours.roundTripOk ? 1 : 0, 1, "ok", true));
  }
  return out;
}

function target(
  name: string,
  measured: number,
  limit: number,
  unit: string,
  atLeast = false,
): Target {
  return { name, measured, limit, unit, met: atLeast ? measured >= limit : measured <= limit };
}

/** The decompressor's share of a real block's decode, for its target's note and the table. */
function bodyFloorText(r: Row): string | undefined {
  const f = r.bodyFloor;
  if (!f) return undefined;
  const inflate = f.mode === "deflate" ? "inflateRawSync" : "brotliDecompressSync";
  return f.decompressMs === undefined
    ? `${f.mode} body, no decompressor`
    : `paired rounds: syncbench ${f.oursPairedMs.toFixed(2)} ms, ${inflate} of the same ` +
        `${f.mode} body ${f.decompressMs.toFixed(2)} ms`;
}

function realTargets(rows: Row[], files: FileTotal[]): Target[] {
  const out: Target[] = [];
  for (const r of rows) {
    const x = r.cells["xdelta3-9"]?.bytes;
    const ours = r.cells.syncbench as Cell;
    out.push(target(`${r.name} round trip`, ours.roundTripOk ? 1 : 0, 1, "ok", true));
    // Issue 4's worst-case encode bound and its decode bound hold for every block encoded, not
    // only the synthetic ones (a real block is never worse than "worst case" by definition).
    out.push(target(`${r.name} encode`, ours.encodeMs, 50, "ms"));
    const decode = target(`${r.name} decode`, ours.decodeMs, 3, "ms");
    const floor = bodyFloorText(r);
    if (floor) decode.note = `floor in this run: ${floor}`;
    out.push(decode);
    if (x === undefined) continue;
    const factor = r.kind === "text" ? 1 : 1.25;
    out.push(target(`${r.name} size vs ${factor} x xdelta3-9`, ours.bytes, x * factor, "B"));
  }
  for (const f of files) {
    if (f.wholeFileXdelta9 === undefined) continue;
    out.push(
      target(
        `${f.name} blocks total vs 1.2 x whole-file xdelta3-9`,
        f.blocksTotalBytes,
        1.2 * f.wholeFileXdelta9,
        "B",
      ),
    );
  }
  return out;
}

function shaTarget(): Target {
  const block = new Uint8Array(blockSizeBytes).map((_, i) => (i * 2654435761) >>> 24);
  const time = (fn: () => unknown) =>
    median(
      Array.from({ length: 9 }, () => {
        const t0 = performance.now();
        fn();
        return performance.now() - t0;
      }),
    );
  const node = time(() => createHash("sha256").update(block).digest());
  const ours = time(() => sha256Hex(block));
  log(`sha256 of 4 MiB: syncbench ${ours.toFixed(2)} ms, node crypto ${node.toFixed(2)} ms`);
  return target("sha256 4 MiB vs 1.1 x node crypto", ours, node * 1.1, "ms");
}

function printTargets(targets: Target[]): void {
  const missed = targets.filter((t) => !t.met);
  log(`\ntargets: ${targets.length - missed.length} of ${targets.length} met`);
  for (const t of missed) {
    log(
      `MISSED ${t.name}: ${Number(t.measured.toFixed(3))} ${t.unit}, target <= ` +
        `${Number(t.limit.toFixed(3))} ${t.unit}${t.note ? ` (${t.note})` : ""}`,
    );
  }
}

function main(): number {
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  log(
    `bench:delta ${quick ? "--quick " : ""}runs=${runs} cpus=${cpus().length} node=${process.version}` +
      ` loadavg=${load} (shared machine: other work runs at the same time)`,
  );
  const tools = ensureAnchors(log);
  log(`anchors: ${JSON.stringify(toolVersions())}`);
  const dir = mkdtempSync(join(tmpdir(), "syncbench-bench-"));
  try {
    const synthetic = syntheticRows(dir, tools);
    const real = flags["no-real"] ? { rows: [], files: [] } : realRows(dir, tools);
    const targets = [
      ...syntheticTargets(synthetic),
      ...realTargets(real.rows, real.files),
      shaTarget(),
    ];
    const loadAfter = loadavg()
      .map((l) => l.toFixed(2))
      .join(" ");
    if (flags.json) {
      // formats/delta-bench.schema.ts reads this (the claims ledger); kind and version are its.
      process.stdout.write(
        `${JSON.stringify(
          {
            kind: "syncbench.delta-bench",
            schemaVersion: 1,
            runs,
            quick,
            loadavgBefore: load,
            loadavgAfter: loadAfter,
            synthetic,
            real: real.rows,
            files: real.files,
            targets,
          },
          null,
          1,
        )}\n`,
      );
    } else {
      log(
        "\ncells: delta bytes · encode ms/decode ms (syncbench in process, median of " +
          `${runs}, CPU time of the same runs in brackets; anchors are processes incl. start-up ` +
          "and file I/O)",
      );
      for (const line of [...table(synthetic), "", ...table(real.rows)]) log(line);
      for (const r of synthetic) {
        if (!r.decodeFloor) continue;
        const ours = r.cells.syncbench as Cell;
        log(
          `decode floor, ${r.name}: syncbench ${ours.decodeMs.toFixed(2)} ms (cpu ` +
            `${ours.decodeCpuMs?.toFixed(2) ?? "–"} ms); ${floorText(r.decodeFloor)}`,
        );
      }
      for (const r of real.rows) {
        const floor = bodyFloorText(r);
        const ours = r.cells.syncbench as Cell;
        if (floor) log(`decode, ${r.name}: syncbench ${ours.decodeMs.toFixed(2)} ms; ${floor}`);
      }
      for (const f of real.files) {
        log(
          `${f.name}: syncbench blocks total ${f.blocksTotalBytes} B, whole-file xdelta3 -9 ` +
            `${f.wholeFileXdelta9 ?? "–"} B`,
        );
      }
      log(`loadavg after: ${loadAfter}`);
    }
    printTargets(targets);
    return targets.every((t) => t.met) ? 0 : 4;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = main();
