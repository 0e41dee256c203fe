// Turns a finished run into the results.json object (results.schema.ts): per-operation
// figures or "not available in this stack", targets judged against measured values, and the
// saturation verdict (was the generator or the target the limit?). Pure: no I/O here.
import type { OpenModelOutcome } from "../open-model/http-open-model.ts";
import type {
  OperationResult,
  Results,
  TargetResult,
  TransferResult,
  WebsocketResult,
} from "../../formats/results.schema.ts";
import type { TransferCounts } from "../http1/http-exchange.ts";
import type { HttpOperationName, Scenario } from "../scenario.ts";
import { encodeHistogram, percentilesMs } from "../../formats/hdr-histogram.ts";
import { throughputOf } from "./design-rates.ts";

/** Bounds that make a run generator-bound (invalid) rather than a finding about the target. */
export const validityBounds = {
  sendLagMsP99Max: 10,
  generatorCpuCoresMax: 0.8,
  /** A late generator using at least this much CPU was late because of its own work. */
  generatorBusyCoresMin: 0.5,
  /** Timers run later than this (p99) mean the event loop itself was held up. */
  eventLoopDelayMsP99Max: 10,
  achievedRatioMin: 0.95,
} as const;

export function operationResult(name: string, outcome: OpenModelOutcome): OperationResult {
  const s = outcome.stats.op(name);
  return {
    name,
    status: "measured",
    counts: {
      scheduled: s.scheduledCount,
      sent: s.sentCount,
      ok: s.okCount,
      error: s.errorCount,
      dropped: s.droppedCount,
    },
    errorsByCode: Object.fromEntries(s.errorsByCode),
    ...(s.driverErrorCount > 0
      ? { driverErrorsByCode: Object.fromEntries(s.driverErrorsByCode) }
      : {}),
    latencyMs: percentilesMs(s.latency),
    serviceTimeMs: percentilesMs(s.serviceTime),
    histograms: {
      latencyUs: encodeHistogram(s.latency),
      serviceTimeUs: encodeHistogram(s.serviceTime),
    },
    transfer: transferResult(s.transfer),
  };
}

export function transferResult(t: TransferCounts): TransferResult {
  const cached = t.cacheHitCount + t.cacheMissCount;
  return {
    responsesCount: t.responsesCount,
    bodyBytes: t.bodyBytes,
    cdn:
      cached === 0
        ? null
        : {
            hitCount: t.cacheHitCount,
            missCount: t.cacheMissCount,
            hitRatio: Math.round((t.cacheHitCount / cached) * 10_000) / 10_000,
            bytesFromEdge: t.cacheHitBytes,
            bytesFromOrigin: t.cacheMissBytes,
          },
  };
}

/**
 * C13 measured at the edge: the share of downloads of shared content the CDN missed, from the
 * edge's cache status per download (`edgeCache`); null while the download driver records none.
 */
function sharedMissRate(operations: Results["operations"]): number | null {
  const op = operations.find((o) => o.name === "download");
  if (!op || op.status !== "measured" || !op.edgeCache) return null;
  const { sharedHitCount, sharedMissCount } = op.edgeCache;
  const total = sharedHitCount + sharedMissCount;
  return total === 0 ? null : sharedMissCount / total;
}

function measuredValue(
  metric: string,
  r: Pick<Results, "operations" | "websocket" | "droppedCount">,
): number | null {
  const [subject, aggregate] = metric.split(".") as [string, string];
  if (subject === "run") return r.droppedCount;
  if (subject === "notification") {
    if (!r.websocket || r.websocket.freshnessMs.count === 0) return null;
    // pushMsP99 (C10's bound as a p99) reads the same deliveries as freshnessMsP99 (C11).
    return aggregate === "freshnessMsP50"
      ? r.websocket.freshnessMs.p50
      : r.websocket.freshnessMs.p99;
  }
  if (metric === "download.sharedMissRate") return sharedMissRate(r.operations);
  const op = r.operations.find((o) => o.name === subject);
  if (!op || op.status !== "measured") return null;
  if (aggregate === "errorRate") {
    const finished = op.counts.ok + op.counts.error;
    return finished === 0 ? null : op.counts.error / finished;
  }
  if (op.latencyMs.count === 0) return null;
  const key = { latencyMsP50: "p50", latencyMsP99: "p99", latencyMsP999: "p999" }[aggregate] as
    "p50" | "p99" | "p999";
  return op.latencyMs[key];
}

export function judgeTargets(
  scenario: Scenario,
  r: Pick<Results, "operations" | "websocket" | "droppedCount">,
): TargetResult[] {
  return Object.entries(scenario.targets).map(([metric, t]) => {
    const measured = measuredValue(metric, r);
    const verdict = measured === null ? "not-measured" : measured <= t.max ? "held" : "missed";
    return { metric, max: t.max, claims: t.claims, figure: t.figure, measured, verdict };
  });
}

/**
 * Why the generator's sends were late, if they were (scenarios/README.md, "Generator-bound or a
 * busy machine"): its own CPU above generatorCpuCoresMax is always the generator's limit; a send
 * lag p99 above sendLagMsP99Max is the generator's when it used at least generatorBusyCoresMin
 * cores, or when its event loop ran timers on time (the lateness is then in the driver itself);
 * with little CPU and a held-up event loop, other processes kept it off the CPU: a busy machine,
 * noted (its latencies include the lag) but not an invalid run.
 */
export function judgeGenerator(outcome: OpenModelOutcome): { bound: string[]; notes: string[] } {
  const b = validityBounds;
  const bound: string[] = [];
  const notes: string[] = [];
  const cores = outcome.generatorCpuCores;
  const coresText = `${cores.toFixed(2)} cores`;
  if (cores > b.generatorCpuCoresMax)
    bound.push(`generator used ${coresText} > ${b.generatorCpuCoresMax}`);
  const lagP99 = percentilesMs(outcome.stats.sendLag).p99;
  if (lagP99 <= b.sendLagMsP99Max) return { bound, notes };
  const lag = `send lag p99 ${lagP99} ms > ${b.sendLagMsP99Max} ms`;
  const loop = outcome.eventLoopDelayMs;
  const loopText = loop ? `event-loop delay p99 ${loop.p99} ms` : "event-loop delay not measured";
  if (cores >= b.generatorBusyCoresMin) {
    bound.push(`${lag}: the generator was late, busy with its own work (${coresText})`);
  } else if (loop && loop.p99 > b.eventLoopDelayMsP99Max) {
    notes.push(
      `machine busy: ${lag} with the generator at ${coresText} and ${loopText} ` +
        `> ${b.eventLoopDelayMsP99Max} ms: other processes held the CPU; latencies include the lag`,
    );
  } else {
    bound.push(`${lag} with ${loopText} and ${coresText}: the driver itself was late`);
  }
  return { bound, notes };
}

export function judgeSaturation(outcome: OpenModelOutcome): Results["saturation"] {
  const { bound: generator, notes } = judgeGenerator(outcome);
  const target: string[] = [];
  // Against the sends the schedule actually drew in the window, not the asked mean rate: Poisson
  // spacing at 4/s draws 53 or 75 sends in 16 s by chance, which says nothing about the target.
  const windowS = outcome.measuredWindowMs / 1000;
  // The driver's own failures (nothing sent) are no part of what the target was asked to serve.
  const scheduled = [...outcome.stats.operations.values()].reduce(
    (n, op) => n + op.scheduledCount - op.driverErrorCount,
    0,
  );
  const scheduledPerS = windowS > 0 ? scheduled / windowS : 0;
  const ratio = scheduledPerS === 0 ? 1 : outcome.achievedRatePerS / scheduledPerS;
  if (ratio < validityBounds.achievedRatioMin) {
    target.push(
      `achieved ${outcome.achievedRatePerS.toFixed(1)} of the ${scheduledPerS.toFixed(1)} req/s ` +
        `scheduled (${outcome.askedRatePerS.toFixed(1)} asked)`,
    );
  }
  if (outcome.stats.droppedCount > 0)
    target.push(`${outcome.stats.droppedCount} requests dropped at the in-flight cap`);
  if (outcome.unfinishedCount > 0)
    target.push(`${outcome.unfinishedCount} requests unfinished at the drain deadline`);
  const by = generator.length > 0 ? "generator" : target.length > 0 ? "target" : "none";
  return { saturated: by !== "none", by, reasons: [...generator, ...target, ...notes] };
}

export interface RunRecord {
  readonly scenario: Scenario;
  readonly targetLabel: string;
  readonly startedAt: Date;
  readonly outcome: OpenModelOutcome | undefined;
  readonly unavailable: ReadonlyMap<HttpOperationName, string>;
  readonly measuredOperations: readonly HttpOperationName[];
  readonly websocket: WebsocketResult | null;
  readonly websocketUnavailable: string | null;
  readonly driverLimits: Readonly<Record<string, number>>;
  readonly overrides: Readonly<Record<string, string | number>>;
}

export function buildResults(rec: RunRecord, version: string): Results {
  const o = rec.outcome;
  const order = [...rec.measuredOperations, ...rec.unavailable.keys()];
  const operations = order.map((name): OperationResult => {
    const reason = rec.unavailable.get(name);
    return reason !== undefined
      ? { name, status: "not-available", reason }
      : operationResult(name, o!);
  });
  const droppedCount = o?.stats.droppedCount ?? 0;
  const lag = o?.stats.sendLag;
  const base = { operations, websocket: rec.websocket, droppedCount };
  const throughput = throughputOf(operations, o?.measuredWindowMs ?? 0);
  return {
    schemaVersion: 1,
    kind: "syncbench.results",
    tool: { name: "syncbench", version, node: process.version },
    startedAt: rec.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    scenario: rec.scenario as unknown as Record<string, unknown>,
    config: {
      target: rec.targetLabel,
      seed: rec.scenario.seed,
      warmupMs: rec.scenario.warmupS * 1000,
      measuredWindowMs: o?.measuredWindowMs ?? 0,
      driver: { ...rec.driverLimits },
      overrides: { ...rec.overrides },
    },
    rate: {
      askedPerS: o?.askedRatePerS ?? 0,
      sentPerS: o?.sentRatePerS ?? 0,
      achievedPerS: o?.achievedRatePerS ?? 0,
    },
    sendLag: {
      ms: lag ? percentilesMs(lag) : { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 },
      histogramUs: lag ? encodeHistogram(lag) : "",
      lateCount: o?.stats.lateCount ?? 0,
      lateThresholdMs: rec.driverLimits.lateThresholdMs ?? 0,
    },
    ...base,
    ...(throughput ? { throughput } : {}),
    websocketUnavailable: rec.websocketUnavailable,
    unfinishedCount: o?.unfinishedCount ?? 0,
    inFlightPeak: o?.stats.inFlightPeak ?? 0,
    generatorCpuCores: o?.generatorCpuCores ?? 0,
    ...(o?.eventLoopDelayMs ? { eventLoopDelayMs: o.eventLoopDelayMs } : {}),
    saturation: o
      ? judgeSaturation(o)
      : { saturated: false, by: "none", reasons: ["no HTTP operation ran"] },
    targets: judgeTargets(rec.scenario, base),
    timeline: o?.stats.timeline ?? [],
  };
}
