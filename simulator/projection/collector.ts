// Collects one value per metric per replication and turns them into projection metrics with a
// 95 % replication interval (core/confidence.ts) and a target verdict: "holds" when the whole
// interval is under the target, "fails" when it is wholly above, "uncertain" when it straddles.
import { replicationInterval } from "../core/confidence.ts";
import type { ProjectionMetric, Verdict } from "../../formats/projection.schema.ts";

interface Entry {
  unit: string;
  values: number[];
  target?: { max: number; claims: string[] };
}

export class MetricCollector {
  private readonly entries = new Map<string, Entry>();

  add(name: string, unit: string, value: number, target?: { max: number; claims: string[] }): void {
    const entry = this.entries.get(name) ?? { unit, values: [], target };
    entry.values.push(value);
    this.entries.set(name, entry);
  }

  metrics(): ProjectionMetric[] {
    return [...this.entries].map(([name, e]) => {
      const finite = e.values.filter(Number.isFinite);
      const ci = finite.length > 0 ? replicationInterval(finite, 0.95) : undefined;
      const mean = ci ? ci.mean : NaN;
      const half = ci && Number.isFinite(ci.halfWidth) ? ci.halfWidth : null;
      const metric: ProjectionMetric = { name, unit: e.unit, mean: round(mean), halfWidth: half === null ? null : round(half),
        replications: e.values.length };
      if (!e.target) return metric;
      return { ...metric, target: { ...e.target, verdict: verdict(mean, half ?? 0, e.target.max) } };
    });
  }
}

function verdict(mean: number, half: number, max: number): Verdict {
  if (!Number.isFinite(mean)) return "fails";
  if (mean + half <= max) return "holds";
  if (mean - half > max) return "fails";
  return "uncertain";
}

/** Six significant digits: enough for any figure here, and stable text for hashing. */
export function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : x;
}
