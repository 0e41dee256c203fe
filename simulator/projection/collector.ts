// Collects one value per metric per replication and turns them into projection metrics with a
// 95 % replication interval (core/confidence.ts) and a target verdict. Before any figure is
// judged, its stability: a metric whose stations were offered ρ ≥ 1 in any replication is
// "unstable" (its queue grows for the whole run: the verdict is "fails", never a percentile's),
// and one whose mean grew from the window's first half to its second is "not steady" (by more
// than 10 % and 1 ms, and beyond the replications' spread). Then "holds" when the whole interval
// is under the target, "fails" when it is wholly above, and "uncertain" (basis "undecided",
// with the replications that would decide it) when it straddles or when one replication gives
// no interval. Deterministic experiments compare their
// one figure with the target directly (basis "deterministic").
import { replicationInterval, tQuantile } from "../core/confidence.ts";
import type { ProjectionMetric, Verdict, VerdictBasis } from "../../formats/projection.schema.ts";

/** What a replication's figure rests on, beside its value (all optional). */
export interface FigureContext {
  /** Highest offered ρ of the stations the figure passes through. */
  readonly offeredRho?: number;
  /** Mean of the figure's population in the window's first and second halves (seconds). */
  readonly halves?: { readonly first: number; readonly second: number };
  /** Simulated seconds at the end of the measured window ("not steady after T s"). */
  readonly afterS?: number;
  /** Width of the histogram bucket the quantile was read from, in the metric's unit. */
  readonly resolution?: number;
}

/** Growth from the first half to the second that makes a figure "not steady": 10 %, ≥ 1 ms. */
export const steadyGrowthMax = { relative: 0.1, absoluteS: 0.001 } as const;

/** The replications a claim can ask for (the CLI's --replications limit). */
export const replicationsNeededMax = 100;

interface Entry {
  unit: string;
  values: number[];
  contexts: FigureContext[];
  target?: { max: number; claims: string[] };
}

export class MetricCollector {
  private readonly entries = new Map<string, Entry>();

  /** deterministic: the experiment's model draws nothing at random, so one run is the figure. */
  constructor(private readonly deterministic = false) {}

  add(
    name: string,
    unit: string,
    value: number,
    target?: { max: number; claims: string[] },
    context: FigureContext = {},
  ): void {
    const entry = this.entries.get(name) ?? { unit, values: [], contexts: [], target };
    entry.values.push(value);
    entry.contexts.push(context);
    this.entries.set(name, entry);
  }

  metrics(): ProjectionMetric[] {
    return [...this.entries].map(([name, e]) => {
      const finite = e.values.filter(Number.isFinite);
      const ci = finite.length > 0 ? replicationInterval(finite, 0.95) : undefined;
      const mean = ci ? ci.mean : NaN;
      const half = !this.deterministic && ci && Number.isFinite(ci.halfWidth) ? ci.halfWidth : null;
      const stability = stabilityOf(e.contexts);
      const resolutions = e.contexts.flatMap((c) =>
        c.resolution === undefined ? [] : [c.resolution],
      );
      const resolution = resolutions.length > 0 ? Math.max(...resolutions) : undefined;
      const metric: ProjectionMetric = {
        name,
        unit: e.unit,
        mean: round(mean),
        halfWidth: half === null ? null : round(half),
        replications: e.values.length,
        ...(resolution === undefined ? {} : { resolution: round(resolution) }),
        ...(stability ? { stability } : {}),
      };
      if (!e.target) return metric;
      const judged = judge({
        mean,
        half,
        sd: ci && finite.length > 1 ? sdOf(finite) : NaN,
        n: finite.length,
        max: e.target.max,
        resolution: resolution ?? 0,
        deterministic: this.deterministic,
        stability,
      });
      return { ...metric, target: { ...e.target, ...judged } };
    });
  }
}

type Stability = NonNullable<ProjectionMetric["stability"]>;

function stabilityOf(contexts: readonly FigureContext[]): Stability | undefined {
  const rhos = contexts.flatMap((c) => (c.offeredRho === undefined ? [] : [c.offeredRho]));
  const offeredRho = rhos.length > 0 ? Math.max(...rhos) : undefined;
  const afterS = Math.max(0, ...contexts.map((c) => c.afterS ?? 0));
  if (offeredRho !== undefined && offeredRho >= 1) {
    return { status: "unstable", offeredRho: round(offeredRho), afterS: round(afterS) };
  }
  const halves = contexts.flatMap((c) =>
    c.halves && Number.isFinite(c.halves.first) && Number.isFinite(c.halves.second)
      ? [c.halves]
      : [],
  );
  if (halves.length === 0) return undefined;
  const first = halves.reduce((s, h) => s + h.first, 0) / halves.length;
  const second = halves.reduce((s, h) => s + h.second, 0) / halves.length;
  const growth = second - first;
  // With replications, the growth must also be more than their spread: each replication's
  // second-half minus first-half mean is one paired difference, its 95 % interval above zero.
  const diffs = halves.map((h) => h.second - h.first);
  const significant = diffs.length < 2 || growth - replicationInterval(diffs, 0.95).halfWidth > 0;
  if (
    significant &&
    growth > Math.max(steadyGrowthMax.relative * first, steadyGrowthMax.absoluteS)
  ) {
    return {
      status: "notSteady",
      ...(offeredRho === undefined ? {} : { offeredRho: round(offeredRho) }),
      afterS: round(afterS),
      firstHalfMeanS: round(first),
      secondHalfMeanS: round(second),
    };
  }
  return undefined;
}

function sdOf(values: readonly number[]): number {
  const m = values.reduce((s, v) => s + v, 0) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1));
}

interface JudgeInput {
  mean: number;
  half: number | null;
  sd: number;
  n: number;
  max: number;
  resolution: number;
  deterministic: boolean;
  stability: Stability | undefined;
}

function judge(j: JudgeInput): {
  verdict: Verdict;
  basis: VerdictBasis;
  replicationsNeeded?: number | null;
} {
  if (j.stability?.status === "unstable") return { verdict: "fails", basis: "unstable" };
  if (j.stability?.status === "notSteady") return { verdict: "uncertain", basis: "notSteady" };
  if (!Number.isFinite(j.mean))
    return { verdict: "fails", basis: j.deterministic ? "deterministic" : "interval" };
  if (j.deterministic)
    return { verdict: j.mean <= j.max ? "holds" : "fails", basis: "deterministic" };
  if (j.half === null)
    return { verdict: "uncertain", basis: "undecided", replicationsNeeded: null };
  // The bucket a quantile was read from bounds its precision: the interval is never narrower.
  const half = Math.max(j.half, j.resolution / 2);
  if (j.mean + half <= j.max) return { verdict: "holds", basis: "interval" };
  if (j.mean - half > j.max) return { verdict: "fails", basis: "interval" };
  return {
    verdict: "uncertain",
    basis: "undecided",
    replicationsNeeded: replicationsNeeded(j.sd, Math.abs(j.mean - j.max), j.resolution),
  };
}

/**
 * The smallest n whose 95 % interval t·s/√n is narrower than the margin to the target, or null
 * when no count up to replicationsNeededMax would be (the figure sits on the target, or the
 * histogram's bucket is wider than the margin).
 */
export function replicationsNeeded(sd: number, margin: number, resolution = 0): number | null {
  if (!(margin > resolution / 2) || !Number.isFinite(sd)) return null;
  for (let n = 2; n <= replicationsNeededMax; n++) {
    if ((tQuantile(0.95, n - 1) * sd) / Math.sqrt(n) < margin) return n;
  }
  return null;
}

/** Six significant digits: enough for any figure here, and stable text for hashing. */
export function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : x;
}
