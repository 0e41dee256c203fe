// The ledger's simulated parts, read from projection.json files (`syncbench simulate <experiment>
// --out`): each figure a replication mean with its 95 % interval, compared with the design's
// figure by the ledger itself (a changed design figure moves the verdict), not taken from the
// file's own verdict. An interval that straddles the bound decides nothing. Pure: no I/O.
import type { ProjectionMetric } from "../../formats/projection.schema.ts";
import type { DesignInputs, Evidence } from "./inputs.ts";
import { fmt, notMeasured, type Part, type Verdict } from "./verdict.ts";

export const projectionFile = (experiment: string) =>
  `a projection file: npx syncbench simulate ${experiment} --out ${experiment}.json`;

interface Found {
  metric: ProjectionMetric;
  source: string;
  experiment: string;
}

function findMetrics(e: Evidence, match: (m: ProjectionMetric) => boolean): Found[] {
  return e.projections.flatMap((p) =>
    p.data.metrics
      .filter(match)
      .map((metric) => ({ metric, source: p.source, experiment: p.data.experiment })),
  );
}

function interval(m: ProjectionMetric): string {
  if (m.stability?.status === "unstable") {
    const rho = m.stability.offeredRho;
    return `unstable${rho === undefined ? "" : ` (offered ρ = ${fmt(rho)})`}, no steady figure`;
  }
  if (m.stability?.status === "notSteady") return `${fmt(m.mean)} ${m.unit}, not steady`;
  return m.halfWidth === null
    ? `${fmt(m.mean)} ${m.unit}`
    : `${fmt(m.mean)} ± ${fmt(m.halfWidth)} ${m.unit}`;
}

/**
 * At most `max`: holds when the interval's top is under it, fails when its bottom is over. The
 * projection's `stability` comes first: a figure behind a station offered ρ ≥ 1 has no steady
 * state, so it fails whatever its mean (an unstable station never supports "holds"); a figure that
 * was still growing ("notSteady") decides nothing.
 */
export function boundVerdict(m: ProjectionMetric, max: number): Verdict {
  if (m.stability?.status === "unstable") return "fails";
  if (m.stability?.status === "notSteady") return "unverifiable";
  const hw = m.halfWidth ?? 0;
  if (m.mean + hw <= max) return "holds";
  if (m.mean - hw > max) return "fails";
  return "unverifiable";
}

function combineFound(found: Found[], maxOf: (f: Found) => number, what: string): Part {
  const verdicts = found.map((f) => boundVerdict(f.metric, maxOf(f)));
  const verdict: Verdict = verdicts.includes("fails")
    ? "fails"
    : verdicts.includes("unverifiable")
      ? "unverifiable"
      : "holds";
  return {
    method: "simulated",
    verdict,
    figures: found.map((f) => `${f.metric.name} ${interval(f.metric)} (<= ${fmt(maxOf(f))})`),
    steps: [`${what}; an interval straddling the bound decides nothing`],
    samples: [
      ...new Set(found.map((f) => `${f.metric.replications} replications, 95 % interval`)),
    ].join("; "),
    sources: found.map((f) => `${f.source}: metrics[${f.metric.name}] (${f.experiment})`),
    ...stabilityDetail(found, verdict),
  };
}

function stabilityDetail(found: Found[], verdict: Verdict): { detail?: string } {
  const unstable = found.filter((f) => f.metric.stability?.status === "unstable");
  const notSteady = found.filter((f) => f.metric.stability?.status === "notSteady");
  const lines = [
    ...unstable.map(
      (f) =>
        `${f.metric.name}: a station on its path was offered ρ ≥ 1 ` +
        `(${fmt(f.metric.stability?.offeredRho ?? Number.NaN)}), so its queue grows without bound`,
    ),
    ...notSteady.map(
      (f) =>
        `${f.metric.name} grew from the window's first half to its second: ` +
        "a longer run (--duration-s) would show whether it settles",
    ),
  ];
  if (verdict === "unverifiable" && lines.length === 0) {
    lines.push(
      "the 95 % interval straddles the bound: more " +
        "replications (--replications) or a longer run (--duration-s) would decide",
    );
  }
  return lines.length > 0 ? { detail: lines.join("; ") } : {};
}

/**
 * Every projected metric that targets `claim`: latency targets against the design's figure
 * (from the inputs), other targets (C13, C28, C30) against the bound the experiment states.
 */
export function targetsOf(
  d: DesignInputs,
  e: Evidence,
  claim: string,
  experiment: string,
  partOf = false,
): Part {
  const design = d.targets.filter((t) => (partOf ? t.partOfClaims : t.claims).includes(claim));
  const found = findMetrics(
    e,
    (m) =>
      design.some((t) => t.metric === m.name) ||
      (!partOf && (m.target?.claims.includes(claim) ?? false)),
  );
  if (found.length === 0) return notMeasured("simulated", projectionFile(experiment));
  return combineFound(
    found,
    (f) => design.find((t) => t.metric === f.metric.name)?.latencyMsMax ?? f.metric.target!.max,
    "each projected figure against its bound",
  );
}

/** C14: every pool of design-peak stays below saturation (utilisation < 1, no overload note). */
export function c14(e: Evidence): Part {
  const peak = e.projections.find((p) => p.data.experiment === "design-peak");
  if (!peak) return notMeasured("simulated", projectionFile("design-peak"));
  const pools = peak.data.metrics.filter((m) => m.name.endsWith(".utilisationMean"));
  const overloaded = peak.data.notes.filter((n) => n.startsWith("OVERLOADED"));
  const found = pools.map((metric) => ({ metric, source: peak.source, experiment: "design-peak" }));
  const part = combineFound(
    found,
    () => 1,
    "served = every pool's mean utilisation below 1 " +
      "(a stable queue); the latency targets are C09-C12's",
  );
  const top = [...pools].sort((a, b) => b.mean - a.mean).slice(0, 3);
  const verdict: Verdict = overloaded.length > 0 ? "fails" : part.verdict;
  return {
    ...part,
    verdict,
    figures: top.map((m) => `${m.name} ${interval(m)}`),
    ...(overloaded.length > 0 ? { detail: overloaded.join("; ") } : {}),
  };
}

const designPolicy = "design-equal-jitter-0.5-30s";

/** C18 simulated: the fullest pod during a rolling deploy against C18's per-pod figure. */
export function c18(d: DesignInputs, e: Evidence): Part {
  const found = findMetrics(e, (m) => m.name === `${designPolicy}.connectionsPerPodMax`);
  if (found.length === 0) return notMeasured("simulated", projectionFile("rolling-deploy"));
  return combineFound(
    found,
    () => d.connectionsPerPodCount,
    `the fullest pod while ${d.stated.C22.podsRestartedMax} of ${d.podCounts.notificationService} ` +
      "pods restart, against C18's connections per pod",
  );
}

/** C22: 99 % of each wave's devices back within the backoff cap (the design's policy). */
export function c22(d: DesignInputs, e: Evidence): Part {
  const found = findMetrics(e, (m) => m.name === `${designPolicy}.recovery99SMax`);
  if (found.length === 0) return notMeasured("simulated", projectionFile("rolling-deploy"));
  return combineFound(
    found,
    () => d.stated.C22.backoffSMax,
    `"absorbs" read as: under the design's backoff (${d.stated.C22.backoffSMin} s to ` +
      `${d.stated.C22.backoffSMax} s, jitter) 99 % of every wave's devices reconnect within the cap`,
  );
}

export { notMeasured };
