// design-peak: the design's 25K RPS at its pod counts (C14): p50/p99 per path against the
// design's targets (C09-C12, C25), utilisation per pool, and Little's law as a run invariant.
// scale-sweep: rate multiples of the peak; pods per pool sized by the utilisation law to
// ρ ≤ 0.7, then simulated, so the table says which counts meet the targets and which cannot.
import { Histogram } from "../core/histogram.ts";
import { moments } from "../core/variates.ts";
import { architectureNetwork } from "../models/architecture.ts";
import { designTargets, type ArchitectureParameters, type PoolName } from "../models/design.ts";
import { simulateNetwork, type NetworkResult } from "../models/network.ts";
import { round } from "../projection/collector.ts";
import type { ProjectionMetric } from "../../formats/projection.schema.ts";
import {
  replicationSeed,
  replicationStarted,
  type Experiment,
  type ExperimentOptions,
  type ExperimentOutput,
} from "./experiment.ts";

const ms = 1000;

export function recordNetwork(
  result: NetworkResult,
  out: ExperimentOutput,
  afterS: number,
  prefix = "",
): void {
  const c = out.collector;
  const rhoOf = new Map(result.stations.map((s) => [s.name, s.offeredRhoMax]));
  for (const [name, h] of result.latency) {
    const metric =
      name === "notification" ? "freshnessMs" : name === "gcEvent" ? "lagMs" : "latencyMs";
    const offeredRho = Math.max(
      0,
      ...(result.classStations.get(name) ?? []).map((s) => rhoOf.get(s) ?? 0),
    );
    for (const [q, label] of [
      [0.5, "P50"],
      [0.99, "P99"],
    ] as const) {
      const target = designTargets.find((t) => t.className === name && t.quantile === q);
      const value = h.quantile(q);
      c.add(
        `${prefix}${name}.${metric}${label}`,
        "ms",
        value * ms,
        target ? { max: target.maxS * ms, claims: target.claims } : undefined,
        {
          offeredRho,
          halves: result.latencyHalves.get(name),
          afterS,
          resolution: Histogram.bucketWidthAt(value) * ms,
        },
      );
    }
  }
  for (const s of result.stations) {
    // A saturated station's utilisation is 1 whatever its load: its offered ρ says how far over.
    const stability = { offeredRho: s.offeredRhoMax, afterS };
    c.add(`${prefix}${s.name}.utilisationMean`, "ratio", s.utilisationMean, undefined, stability);
    if (s.members > 1)
      c.add(`${prefix}${s.name}.utilisationMax`, "ratio", s.utilisationMax, undefined, stability);
  }
  recordSaturated(result, out, prefix);
  const gap =
    Math.abs(result.little.numberInSystem - result.little.lambdaW) / result.little.numberInSystem;
  c.add(`${prefix}little.relativeGap`, "ratio", gap);
  out.events += result.events;
}

/**
 * A station offered ρ ≥ 1 has no figure to print, so its queue's growth is shown instead: the
 * requests waiting at the window's middle and end, and the mean wait of each half (table
 * saturatedStations, one row per station and replication).
 */
export function recordSaturated(result: NetworkResult, out: ExperimentOutput, prefix = ""): void {
  for (const s of result.stations) {
    if (!(s.offeredRhoMax >= 1)) continue;
    (out.tables.saturatedStations ??= []).push({
      station: `${prefix}${s.name}`,
      offeredRho: round(s.offeredRhoMax),
      queueAtMid: s.queueLengthAtMid,
      queueAtEnd: s.queueLengthAtEnd,
      waitMsFirstHalf: round(s.waitMeanHalvesS[0] * ms),
      waitMsSecondHalf: round(s.waitMeanHalvesS[1] * ms),
    });
  }
}

export const designPeak: Experiment = {
  name: "design-peak",
  summary: "25K RPS at the design's pod counts: p50/p99 per path vs targets, utilisation per pool",
  run(o, out) {
    for (let r = 0; r < o.replications; r++) {
      replicationStarted(o, r);
      const net = architectureNetwork(o.params, {
        durationS: o.durationS,
        warmupS: o.warmupS,
        seed: replicationSeed(o.seed, r),
      });
      recordNetwork(simulateNetwork(net), out, o.durationS);
    }
    out.notes.push(
      "latencies are server-side plus S3/CDN/network delays; client delta compute (C04) is excluded",
    );
    out.notes.push(...overloadNotes(o.params, o.params.peakRps));
  },
};

/**
 * Pools whose offered load reaches their servers (ρ = λ·E[S] / servers ≥ 1): no steady state, so
 * their paths' latencies grow with the simulated duration and are not figures to read as such.
 */
export function overloadNotes(p: ArchitectureParameters, rate: number): string[] {
  return sizedPools.flatMap((s) => {
    const servers = p.pods[s.pool] * p.workersPerPod[s.pool];
    const rho = s.offered(p, rate) / servers;
    if (rho < 1) return [];
    const needed = Math.ceil(s.offered(p, rate) / (0.7 * p.workersPerPod[s.pool]));
    return [
      `OVERLOADED: ${s.pool} offered ρ = ${rho.toFixed(2)} on ${p.pods[s.pool]} pods × ` +
        `${p.workersPerPod[s.pool]} workers: its queue grows for the whole run, so latencies through it ` +
        `depend on --duration-s and are no steady-state figure; ${needed} pods hold ρ ≤ 0.7`,
    ];
  });
}

const sizedPools: ReadonlyArray<{
  pool: PoolName;
  station: string;
  offered: (p: ArchitectureParameters, rate: number) => number;
}> = [
  {
    pool: "chunkService",
    station: "chunkService",
    offered: (p, rate) => rate * p.mix.deltaUpload * moments(p.service["chunkService.cpu"]).mean,
  },
  {
    pool: "downloadService",
    station: "downloadService",
    offered: (p, rate) =>
      rate *
      (p.mix.download + p.mix.listFolder) *
      moments(p.service["downloadService.resolve"]).mean,
  },
  {
    pool: "apiGateway",
    station: "apiGateway",
    offered: (p, rate) => rate * moments(p.service.apiGateway).mean,
  },
  {
    pool: "notificationService",
    station: "notificationService",
    offered: (p, rate) =>
      rate *
      (p.mix.deltaUpload + p.mix.newFileUpload) *
      moments(p.service["notificationService.push"]).mean,
  },
];

/** Pods per pool so that utilisation ≤ ρMax (utilisation law U = X·S / servers). */
export function podsFor(
  p: ArchitectureParameters,
  rate: number,
  rhoMax = 0.7,
): Record<PoolName, number> {
  const pods = { ...p.pods };
  for (const s of sizedPools)
    pods[s.pool] = Math.max(1, Math.ceil(s.offered(p, rate) / (rhoMax * p.workersPerPod[s.pool])));
  return pods;
}

export const scaleSweep: Experiment = {
  name: "scale-sweep",
  summary:
    "rate vs p99 at 0.5x-4x the peak; pod counts (rho <= 0.7) and whether they meet the targets",
  run(o, out) {
    const rows: Record<string, number | string | null>[] = [];
    for (const scale of [0.5, 1, 2, 4]) {
      const rate = o.params.peakRps * scale;
      const pods = podsFor(o.params, rate);
      const params = { ...o.params, pods };
      for (let r = 0; r < o.replications; r++) {
        replicationStarted(o, r, `x${scale} `);
        const net = architectureNetwork(params, {
          durationS: o.durationS,
          warmupS: o.warmupS,
          rateScale: scale,
          seed: replicationSeed(o.seed, r),
        });
        recordNetwork(simulateNetwork(net), out, o.durationS, `x${scale}.`);
      }
      rows.push({
        rateScale: scale,
        ratePerS: rate,
        ...Object.fromEntries(sizedPools.map((s) => [`${s.pool}Pods`, pods[s.pool]])),
      });
    }
    out.tables.podsByRate = rows;
    out.notes.push(
      "pods sized to utilisation ≤ 0.7 per pool; MetadataDB shards and Kafka are not resized",
    );
    addTargetTable(out);
  },
};

function addTargetTable(out: ExperimentOutput): void {
  const metrics = out.collector.metrics().filter((m) => m.target);
  out.tables.targets = metrics.map((m) => ({
    metric: m.name,
    meanMs: m.stability ? null : round(m.mean),
    stability: m.stability ? stabilityText(m.stability) : "steady",
    maxMs: m.target!.max,
    verdict: m.target!.verdict,
  }));
}

/** "unstable (offered ρ = 1.25)" or "not steady after 10 s": what replaces a figure that is none. */
export function stabilityText(s: NonNullable<ProjectionMetric["stability"]>): string {
  return s.status === "unstable"
    ? `unstable (offered ρ = ${s.offeredRho?.toFixed(2)})`
    : `not steady after ${s.afterS} s`;
}

export type { ExperimentOptions };
