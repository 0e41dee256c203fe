// C33: each variant's availability as its components in series (a request needs every one on
// its path), each component at its published AWS service-level agreement, ASSUMED as its
// availability (an SLA is a credit threshold, so this is a floor the provider commits to, not a
// measurement). The component list per variant is the design's; the figures are to update.
import type { DesignInputs } from "./inputs.ts";
import { fmt, pct, roundsTo, type Part } from "./verdict.ts";

export interface Component {
  readonly name: string;
  readonly availability: number;
  readonly source: string;
}

const sla = (name: string, availability: number, source: string): Component => ({
  name,
  availability,
  source,
});

/** AWS SLAs as published (2024-12): the per-variant request path, ASSUMED. */
export const availabilityComponents: Record<"V0" | "V1" | "V2", readonly Component[]> = {
  V0: [
    sla("app server (one instance)", 0.995, "EC2 instance-level SLA"),
    sla("PostgreSQL (single DB)", 0.995, "RDS Single-AZ SLA"),
    sla("S3 Standard", 0.999, "S3 SLA"),
  ],
  V1: [
    sla("load balancer", 0.9999, "ELB SLA"),
    sla("services (multi-AZ)", 0.9999, "EC2 region-level SLA"),
    sla("PostgreSQL Multi-AZ", 0.9995, "RDS Multi-AZ SLA"),
    sla("S3 Standard", 0.999, "S3 SLA"),
    sla("Kafka (MSK multi-AZ)", 0.999, "MSK SLA"),
  ],
  V2: [
    sla("load balancer", 0.9999, "ELB SLA"),
    sla("services (multi-AZ)", 0.9999, "EC2 region-level SLA"),
    sla("PostgreSQL Multi-AZ", 0.9995, "RDS Multi-AZ SLA"),
    sla("S3 Standard", 0.999, "S3 SLA"),
    sla("Kafka (MSK multi-AZ)", 0.999, "MSK SLA"),
    sla("Redis registry (Multi-AZ)", 0.9999, "ElastiCache Multi-AZ SLA"),
    sla("CloudFront", 0.999, "CloudFront SLA"),
  ],
};

/** The product of the components' availabilities (every one needed: in series). */
export function seriesAvailability(components: readonly Component[]): number {
  return components.reduce((a, c) => a * c.availability, 1);
}

export function c33(
  d: DesignInputs,
  components: Record<"V0" | "V1" | "V2", readonly Component[]> = availabilityComponents,
): Part {
  const variants = ["V0", "V1", "V2"] as const;
  const computed = variants.map((v) => seriesAvailability(components[v]));
  // An availability claim is a floor: it holds when the series product reaches the stated
  // figure read at its precision (99 % covers 98.95 %).
  const ok = variants.map(
    (v, i) =>
      computed[i]! >= d.stated.C33.availability[v] ||
      roundsTo(computed[i]! * 100, d.stated.C33.availability[v] * 100),
  );
  const minutes = (a: number) => fmt((1 - a) * 30 * 24 * 60);
  return {
    method: "arithmetic",
    verdict: ok.every(Boolean) ? "holds" : "fails",
    figures: variants.map((v, i) => `${v} ${pct(computed[i]!)} (${ok[i] ? "holds" : "fails"})`),
    steps: [
      "availability = product of the components on a request's path (series), each at its " +
        "published AWS SLA (ASSUMED; 2024-12); downtime over a 30-day month",
      ...variants.map(
        (v, i) =>
          `${v}: ${components[v]
            .map((c) => `${c.name} ${pct(c.availability)}`)
            .join(" x ")} = ${pct(computed[i]!)} (${minutes(computed[i]!)} min a month); stated ` +
          `${pct(d.stated.C33.availability[v])} (${minutes(d.stated.C33.availability[v])} min)`,
      ),
    ],
    sources: ["design: stated.C33", "reports/claims/availability.ts (SLA assumptions)"],
    ...(ok.every(Boolean)
      ? {}
      : {
          detail:
            `${variants.filter((_, i) => !ok[i]).join(", ")} ` +
            "below the stated figure: every component added in series lowers availability; the " +
            "stated figure needs redundancy the design does not describe",
        }),
  };
}
