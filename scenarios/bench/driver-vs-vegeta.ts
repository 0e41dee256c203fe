// The driver bench's cross-check (issue 20): Vegeta and the built-in driver at the same constant
// rate on the same loopback endpoint in the same run. On the steady trivial endpoint their p50
// and p99 must agree within 10 % (median over paired repetitions); on the stalling endpoint of
// `selftest co` both stand beside the analytical truth. Pure verdict rules here, tested on fixed
// figures; driver.bench.ts runs the generators.
import { runCoSelftest, coSelftestDefaults } from "../selftest/co-selftest.ts";
import { startStallServer, trueQuantileMs } from "../selftest/stall-server.ts";
import { runVegeta } from "./vegeta-run.ts";

/** The largest relative difference of Vegeta's quantile from the driver's that still agrees. */
export const vegetaAgreementMax = 0.1;

export interface PairedLatency {
  readonly rep: number;
  readonly ratePerS: number;
  readonly driverMs: { readonly p50: number; readonly p99: number };
  readonly vegetaMs: { readonly p50: number; readonly p99: number };
}

/** |vegeta - driver| / driver, rounded to 4 places; Infinity when the driver's figure is 0. */
export function relativeDifference(driverMs: number, vegetaMs: number): number {
  if (driverMs === 0) return vegetaMs === 0 ? 0 : Number.POSITIVE_INFINITY;
  return Math.round((Math.abs(vegetaMs - driverMs) / driverMs) * 10_000) / 10_000;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Agreement {
  readonly quantile: "p50" | "p99";
  readonly driverMs: number;
  readonly vegetaMs: number;
  readonly relativeDifference: number;
  readonly agrees: boolean;
}

/** Medians over the repetitions at `ratePerS` of each side, and whether they agree. */
export function agreementAt(pairs: readonly PairedLatency[], ratePerS: number): Agreement[] {
  const at = pairs.filter((p) => p.ratePerS === ratePerS);
  return (["p50", "p99"] as const).map((quantile) => {
    const driverMs = median(at.map((p) => p.driverMs[quantile]));
    const vegetaMs = median(at.map((p) => p.vegetaMs[quantile]));
    const difference = relativeDifference(driverMs, vegetaMs);
    return {
      quantile,
      driverMs,
      vegetaMs,
      relativeDifference: difference,
      agrees: at.length > 0 && difference <= vegetaAgreementMax,
    };
  });
}

export interface StallComparison {
  readonly ratePerS: number;
  readonly rows: readonly {
    readonly quantile: "p99" | "p999";
    readonly truthMs: number;
    readonly driverMs: number;
    readonly vegetaMs: number;
  }[];
  readonly driverVerdict: string;
}

/** Both generators against the `selftest co` stall server (2,000 req/s, 200 ms every 2 s). */
export async function stallComparison(vegeta: string): Promise<StallComparison> {
  const params = { ...coSelftestDefaults, runClosedModel: false };
  const driver = await runCoSelftest(params);
  const server = await startStallServer(params);
  try {
    const v = await runVegeta({
      vegeta,
      url: `${server.url}/`,
      ratePerS: params.ratePerS,
      durationS: ((params.measuredPeriodCount + 1) * params.periodMs) / 1000,
      warmupMs: params.periodMs,
    });
    const rows = (["p99", "p999"] as const).map((quantile) => ({
      quantile,
      truthMs: Number(trueQuantileMs(params, quantile === "p99" ? 0.99 : 0.999).toFixed(3)),
      driverMs: driver.openModel[quantile],
      vegetaMs: v.latencyMs[quantile],
    }));
    return { ratePerS: params.ratePerS, rows, driverVerdict: driver.verdict };
  } finally {
    await server.close();
  }
}
