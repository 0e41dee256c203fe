// Vegeta (MIT, built by install.ts's ensureVegeta) as the driver bench's independent open-model
// generator: `vegeta attack` at a constant rate with unbounded workers (a tick never waits for a
// free worker, so its latency runs from the intended send, as the built-in driver's does), its
// results encoded as JSON lines, and the same HDR percentiles as the driver's over the same
// window (the first warmupMs dropped). CPU is bash's `times` of its children (attack + encode)
// over wall time, as for wrk. Used by driver.bench.ts only.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { newHistogram, percentilesMs, recordMs } from "../../formats/hdr-histogram.ts";

export interface VegetaRequest {
  readonly vegeta: string;
  readonly url: string;
  readonly ratePerS: number;
  /** The whole attack, warm-up included. */
  readonly durationS: number;
  readonly warmupMs: number;
}

export interface VegetaOutcome {
  readonly achievedPerS: number;
  readonly generatorCores: number;
  readonly okCount: number;
  readonly errorCount: number;
  readonly errorsByText: Record<string, number>;
  readonly latencyMs: ReturnType<typeof percentilesMs>;
  readonly wallMs: number;
}

interface VegetaLine {
  readonly timestamp: string;
  /** Nanoseconds. */
  readonly latency: number;
  readonly code: number;
  readonly error: string;
}

/** The sums of bash's `times` line of children, `0m1.234s 0m0.567s`, in seconds. */
export function childCpuSeconds(timesOutput: string): number {
  const last = timesOutput.trim().split("\n").at(-1) ?? "";
  return [...last.matchAll(/(\d+)m([\d.]+)s/g)]
    .map((m) => Number(m[1]) * 60 + Number(m[2]))
    .reduce((a, b) => a + b, 0);
}

/** Percentiles over the lines sent at or after warmupMs from the first intended send. */
export function summarizeVegetaLines(
  lines: readonly VegetaLine[],
  warmupMs: number,
): Omit<VegetaOutcome, "generatorCores" | "wallMs"> {
  const latency = newHistogram();
  const errorsByText: Record<string, number> = {};
  const startMs = Math.min(...lines.map((l) => Date.parse(l.timestamp)));
  let okCount = 0;
  let errorCount = 0;
  let lastMs = startMs + warmupMs;
  for (const line of lines) {
    const sentMs = Date.parse(line.timestamp);
    if (sentMs < startMs + warmupMs) continue;
    lastMs = Math.max(lastMs, sentMs);
    if (line.code >= 200 && line.code < 400 && line.error === "") {
      okCount++;
      recordMs(latency, line.latency / 1e6);
    } else {
      errorCount++;
      const text = line.error || `HTTP_${line.code}`;
      errorsByText[text] = (errorsByText[text] ?? 0) + 1;
    }
  }
  const windowS = Math.max(1e-3, (lastMs - startMs - warmupMs) / 1000);
  return {
    achievedPerS: Math.round((okCount + errorCount) / windowS),
    okCount,
    errorCount,
    errorsByText,
    latencyMs: percentilesMs(latency),
  };
}

export async function runVegeta(req: VegetaRequest): Promise<VegetaOutcome> {
  const dir = mkdtempSync(join(tmpdir(), "syncbench-vegeta-"));
  const out = join(dir, "results.jsonl");
  const target = join(dir, "targets.txt");
  // -max-workers unset: unbounded, so the open model holds under a stall (no coordinated omission).
  const script = [
    "set -o pipefail",
    `printf 'GET %s\\n' '${req.url}' > '${target}'`,
    `'${req.vegeta}' attack -targets='${target}' -rate=${req.ratePerS}/1s ` +
      `-duration=${req.durationS}s -keepalive=true -timeout=30s ` +
      `| '${req.vegeta}' encode --to json > '${out}'`,
    "times",
  ].join("\n");
  const startedAt = performance.now();
  try {
    const { stdout } = await promisify(execFile)("bash", ["-c", script], {
      timeout: (req.durationS + 60) * 1000,
      maxBuffer: 1024 * 1024,
    });
    const wallMs = performance.now() - startedAt;
    const text = readFileSync(out, "utf8");
    const lines = text
      .split("\n")
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as VegetaLine);
    if (lines.length === 0) throw new Error(`vegeta recorded no result against ${req.url}`);
    return {
      ...summarizeVegetaLines(lines, req.warmupMs),
      generatorCores: Number((childCpuSeconds(stdout) / (wallMs / 1000)).toFixed(2)),
      wallMs: Math.round(wallMs),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
