// How simulate prints what it projects: each metric's figure (or why there is none: an unstable
// or unsteady queue prints no percentile), the spread with the histogram's bucket when that is
// wider, and each target's verdict with its basis; then the tables and notes.
import { stabilityText } from "../simulator/experiments/design-peak.ts";
import type { Projection, ProjectionMetric } from "../formats/projection.schema.ts";
import type { CliContext } from "./context.ts";

/** Replications simulate accepts at most (the count an undecided verdict is searched up to). */
export const replicationsMax = 100;

export function printProjection(p: Projection, ctx: CliContext): void {
  const runs = p.deterministic ? "deterministic" : `replications=${p.replications}`;
  ctx.out(`experiment=${p.experiment} ${runs} events=${p.simulator.events}`);
  for (const m of p.metrics) {
    const target = m.target
      ? `  target ≤ ${m.target.max} (${m.target.claims.join(",")}): ${verdictText(m.target, m.replications, ctx)}`
      : "";
    ctx.out(`  ${m.name.padEnd(48)} ${figureText(m)}${target}`);
  }
  for (const [name, rows] of Object.entries(p.tables)) {
    ctx.out(`table ${name}:`);
    for (const row of rows)
      ctx.out(
        `  ${Object.entries(row)
          .map(([k, v]) => `${k}=${v}`)
          .join(" ")}`,
      );
  }
  for (const note of p.notes) ctx.out(ctx.color.dim(`note: ${note}`));
}

/** The figure, or why there is none: an unstable or unsteady queue prints no percentile. */
export function figureText(m: ProjectionMetric): string {
  if (m.stability) return stabilityText(m.stability);
  // A spread narrower than the histogram's bucket is the bucket's, not the replications'.
  const ci =
    m.halfWidth === null
      ? ""
      : m.resolution !== undefined && m.halfWidth < m.resolution
        ? ` ± ${m.halfWidth} (bucket ${m.resolution})`
        : ` ± ${m.halfWidth}`;
  return `${String(m.mean).padStart(12)}${ci} ${m.unit}`;
}

export function verdictText(
  t: NonNullable<ProjectionMetric["target"]>,
  replications: number,
  ctx: CliContext,
): string {
  switch (t.basis) {
    case "unstable":
      return `${colourVerdict(t.verdict, ctx)} (unstable)`;
    case "notSteady":
      return ctx.color.yellow("undecided (not steady)");
    case "deterministic":
      return `${colourVerdict(t.verdict, ctx)} (deterministic)`;
    case "undecided":
      return ctx.color.yellow(
        t.replicationsNeeded
          ? `undecided (need ${t.replicationsNeeded} replications)`
          : replications === 1
            ? "undecided (one replication gives no interval: --replications 3 or more)"
            : `undecided (no count ≤ ${replicationsMax} decides it: the figure sits on the target)`,
      );
    default:
      return colourVerdict(t.verdict, ctx);
  }
}

function colourVerdict(v: string, ctx: CliContext): string {
  return v === "holds"
    ? ctx.color.green(v)
    : v === "fails"
      ? ctx.color.red(v)
      : ctx.color.yellow(v);
}
