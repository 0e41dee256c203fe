// A cost estimate as text: the total, per user-month, each line with its quantity and price
// entry, the capacity plan, every assumption with its source, and the price table's date.
import type { CostEstimate } from "./cost-model.ts";

const usd = (v: number) =>
  `$${v.toLocaleString("en-US", { maximumFractionDigits: v < 1 ? 4 : 0 })}`;

export function costLines(e: CostEstimate): string[] {
  const lines = [
    `${e.variant} at ${e.usersCount.toLocaleString("en-US")} users: ${usd(e.usdPerMonth)} a month, ` +
      `${usd(e.usdPerUserMonth)} a user-month`,
    `prices: ${e.prices.source}`,
    "",
    ...e.lines.map(
      (l) =>
        `  ${l.item.padEnd(30)} ${usd(l.usdPerMonth).padStart(16)}  ${l.quantity}` +
        `  [${l.basis}]`,
    ),
    "",
    "capacity plan: " +
      Object.entries(e.capacity)
        .map(([k, v]) => `${k} ${v}`)
        .join(", "),
    "assumptions:",
    ...Object.entries(e.assumptions).map(
      ([k, a]) =>
        `  ${k.padEnd(26)} ${String(Number(a.value.toPrecision(4))).padStart(12)} ${a.unit.padEnd(8)} ${a.source}`,
    ),
    ...e.notes.map((n) => `note: ${n}`),
  ];
  return lines;
}
