// The anchor tools of the delta benchmark: xdelta3, rdiff, bsdiff and zstd --patch-from, run as
// processes on files, timed wall-clock (process start and file I/O included, as in the notes).
// `ensureAnchors` installs missing tools from apt, running `apt-get update` once if needed.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, rmSync, statSync } from "node:fs";

export interface Anchor {
  readonly name: string;
  readonly tool: string;
  /** Commands that write `delta` from `old` and `new` (run in order, timed together). */
  encode(old: string, target: string, delta: string, scratch: string): string[][];
  decode(old: string, delta: string, out: string): string[][];
}

export const anchors: readonly Anchor[] = [
  {
    name: "xdelta3-9",
    tool: "xdelta3",
    encode: (o, n, d) => [["xdelta3", "-e", "-9", "-f", "-s", o, n, d]],
    decode: (o, d, out) => [["xdelta3", "-d", "-f", "-s", o, d, out]],
  },
  {
    name: "xdelta3-1",
    tool: "xdelta3",
    encode: (o, n, d) => [["xdelta3", "-e", "-1", "-f", "-s", o, n, d]],
    decode: (o, d, out) => [["xdelta3", "-d", "-f", "-s", o, d, out]],
  },
  {
    name: "xdelta3-9-Snone",
    tool: "xdelta3",
    encode: (o, n, d) => [["xdelta3", "-e", "-9", "-S", "none", "-f", "-s", o, n, d]],
    decode: (o, d, out) => [["xdelta3", "-d", "-f", "-s", o, d, out]],
  },
  {
    name: "rdiff-b512",
    tool: "rdiff",
    encode: (o, n, d, s) => [
      ["rdiff", "-f", "-b", "512", "signature", o, s],
      ["rdiff", "-f", "delta", s, n, d],
    ],
    decode: (o, d, out) => [["rdiff", "-f", "patch", o, d, out]],
  },
  {
    name: "bsdiff",
    tool: "bsdiff",
    encode: (o, n, d) => [["bsdiff", o, n, d]],
    decode: (o, d, out) => [["bspatch", o, out, d]],
  },
  {
    name: "zstd-3-patchfrom",
    tool: "zstd",
    encode: (o, n, d) => [["zstd", "-q", "-f", "-3", `--patch-from=${o}`, n, "-o", d]],
    decode: (o, d, out) => [["zstd", "-q", "-f", "-d", `--patch-from=${o}`, d, "-o", out]],
  },
  {
    name: "zstd-19-patchfrom",
    tool: "zstd",
    encode: (o, n, d) => [["zstd", "-q", "-f", "-19", `--patch-from=${o}`, n, "-o", d]],
    decode: (o, d, out) => [["zstd", "-q", "-f", "-d", `--patch-from=${o}`, d, "-o", out]],
  },
];

function has(tool: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
}

const packages: Record<string, string> = {
  xdelta3: "xdelta3",
  rdiff: "rdiff",
  bsdiff: "bsdiff",
  zstd: "zstd",
};

/** Installs missing anchor tools; returns the tools that are available afterwards. */
export function ensureAnchors(log: (line: string) => void): Set<string> {
  const missing = Object.keys(packages).filter((t) => !has(t));
  if (missing.length > 0) {
    const names = missing.map((t) => packages[t] as string);
    log(`installing anchors from apt: ${names.join(" ")}`);
    const install = () =>
      spawnSync("apt-get", ["install", "-y", ...names], {
        stdio: "ignore",
        env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      }).status;
    if (install() !== 0) {
      spawnSync("apt-get", ["update"], { stdio: "ignore" });
      if (install() !== 0)
        log(`apt-get install ${names.join(" ")} failed; those anchors are skipped`);
    }
  }
  return new Set(Object.keys(packages).filter(has));
}

export function toolVersions(): Record<string, string> {
  const first = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { encoding: "utf8" });
    return `${r.stdout ?? ""}${r.stderr ?? ""}`.split("\n").find((l) => l.trim() !== "") ?? "?";
  };
  return {
    xdelta3: first("xdelta3", ["-V"]),
    rdiff: first("rdiff", ["--version"]),
    zstd: first("zstd", ["--version"]),
    bsdiff: "bsdiff 4.3 (Debian package)",
  };
}

function runTimed(commands: string[][]): number {
  const t0 = performance.now();
  for (const [cmd, ...args] of commands) {
    execFileSync(cmd as string, args, { stdio: ["ignore", "ignore", "pipe"] });
  }
  return performance.now() - t0;
}

export interface AnchorResult {
  readonly bytes: number;
  readonly encodeMs: number[];
  readonly decodeMs: number[];
  readonly roundTripOk: boolean;
}

/** Runs one anchor `runs` times on files old/new in `dir`; verifies the decoded output. */
export function runAnchor(anchor: Anchor, dir: string, runs: number): AnchorResult {
  const [old, target, delta, out, scratch] = ["old", "new", "delta", "out", "sig"].map(
    (f) => `${dir}/${f}`,
  ) as [string, string, string, string, string];
  const encodeMs: number[] = [];
  const decodeMs: number[] = [];
  let roundTripOk = true;
  for (let i = 0; i < runs; i++) {
    rmSync(delta, { force: true });
    rmSync(out, { force: true });
    encodeMs.push(runTimed(anchor.encode(old, target, delta, scratch)));
    decodeMs.push(runTimed(anchor.decode(old, delta, out)));
    roundTripOk &&= readFileSync(out).equals(readFileSync(target));
  }
  return { bytes: statSync(delta).size, encodeMs, decodeMs, roundTripOk };
}
