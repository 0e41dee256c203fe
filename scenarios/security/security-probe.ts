// `syncbench probe security`: every attack of issue 12 and of decision 0003 against the running
// stack, one row each (probe, rule, refused / allowed / not applicable, detail). The attacks run
// one after another (bounded: about 120 requests, the largest body 6 MiB) as three users whose
// names carry a per-run tag. Exit 1 from the command when any row is allowed.
import { authAttacks } from "./attacks-auth.ts";
import { dedupAttacks } from "./attacks-dedup.ts";
import { downloadSideAttacks } from "./attacks-edge.ts";
import { inputAttacks } from "./attacks-input.ts";
import { ProbeContext, type Attack, type SecurityTarget, type Verdict } from "./probe-context.ts";

export type { SecurityTarget, Verdict };

export interface ProbeRow {
  readonly group: string;
  readonly probe: string;
  readonly rule: string;
  readonly verdict: Verdict;
  readonly detail: string;
}

export interface SecurityReport {
  readonly runTag: string;
  readonly rows: readonly ProbeRow[];
  readonly counts: Readonly<Record<Verdict, number>>;
}

/**
 * Oversized bodies run last: with max_fails=0 they no longer eject an upstream, and the row "one
 * user's oversized bodies do not eject the upstream for another" checks that this stays so.
 */
export function securityAttacks(): Attack[] {
  const input = inputAttacks();
  return [
    ...dedupAttacks(),
    ...downloadSideAttacks(),
    ...input.filter((a) => a.group !== "sizes"),
    ...authAttacks(),
    ...input.filter((a) => a.group === "sizes"),
  ];
}

export interface ProbeOptions {
  /** Only attacks whose group or probe text contains this (case-insensitive). */
  readonly only?: string;
  readonly onRow?: (row: ProbeRow) => void;
}

/** Runs every attack; an attack that throws is an "allowed" row (the probe could not show a refusal). */
export async function probeSecurity(
  target: SecurityTarget,
  options: ProbeOptions = {},
): Promise<SecurityReport> {
  const ctx = new ProbeContext(target);
  await ctx.prepare();
  const filter = options.only?.toLowerCase();
  const attacks = securityAttacks().filter(
    (a) => !filter || `${a.group} ${a.probe}`.toLowerCase().includes(filter),
  );
  const rows: ProbeRow[] = [];
  await ctx.settle();
  for (const attack of attacks) {
    let outcome;
    try {
      outcome = await attack.run(ctx);
    } catch (error) {
      outcome = {
        verdict: "allowed" as const,
        detail: `the probe failed: ${(error as Error).message}`,
      };
    }
    const row = { group: attack.group, probe: attack.probe, rule: attack.rule, ...outcome };
    rows.push(row);
    options.onRow?.(row);
    if (attack.group === "sizes") await ctx.settle(); // the next row is judged on a gateway that answers again
  }
  const counts = { refused: 0, allowed: 0, "not-applicable": 0 };
  for (const r of rows) counts[r.verdict]++;
  return { runTag: ctx.tag, rows, counts };
}
