// The ledger's cost parts (C31, C32): read from the cost model (reports/cost/) and its dated
// price table, every assumption listed by `syncbench cost`. Pure.
import { estimateCost, variantNames, type CostAssumptions } from "../cost/cost-model.ts";
import type { PriceTable } from "../cost/price-table.ts";
import type { DesignInputs } from "./inputs.ts";
import { fmt, pct, roundsTo, statedInterval, verdictOf, type Part } from "./verdict.ts";

/** C31 at C29's 1M users (the only user count the document ties to a volume). */
export function c31(d: DesignInputs, a: CostAssumptions, prices: PriceTable): Part {
  const users = d.stated.C29.usersCount;
  const rows = variantNames.map((v) => {
    const est = estimateCost(v, users, a, prices);
    const stated = d.stated.C31.costUsdPerMonth[v];
    return {
      v,
      est,
      stated,
      ok: est.usdPerMonth < statedInterval(stated).high,
      coveredUsers: stated / est.usdPerUserMonth,
    };
  });
  return {
    method: "cost",
    verdict: verdictOf(rows.every((r) => r.ok)),
    figures: rows.map(
      (r) =>
        `${r.v} $${fmt(r.est.usdPerMonth)}/month at ${fmt(users)} users ` +
        `(stated $${fmt(r.stated)})`,
    ),
    steps: [
      `cost model at ${fmt(users)} users (C29's), list prices ${prices.region} as of ` +
        `${prices.asOf} (ASSUMED, reports/cost/price-table.ts); assumptions: npx syncbench cost`,
      ...rows.map(
        (r) =>
          `${r.v}: $${fmt(r.est.usdPerUserMonth)} a user-month; the stated ` +
          `$${fmt(r.stated)} pays for ${fmt(r.coveredUsers)} users; largest line ` +
          `${[...r.est.lines].sort((x, y) => y.usdPerMonth - x.usdPerMonth)[0]!.item}`,
      ),
    ],
    sources: ["design: stated.C31", "reports/cost/cost-model.ts", "reports/cost/price-table.ts"],
    ...(rows.every((r) => r.ok)
      ? {}
      : {
          detail:
            "the stated monthly costs name no user count; " +
            "at C29's 1M users storage and transfer alone exceed them",
        }),
  };
}

/** C32: the two per-GB prices against the table, and the hit rate where the CDN pays. */
export function c32(d: DesignInputs, prices: PriceTable): Part {
  const s = d.stated.C32;
  const cf = prices.cloudFront.egressTiers[0]!.usdPerGB;
  const s3 = prices.s3.egressTiers[0]!.usdPerGB;
  const blockGB = d.blockSizeBytes / 1e9;
  const get = prices.s3.usdPerThousandGets / 1000;
  const cfRequest = prices.cloudFront.usdPerTenThousandHttpsRequests / 10_000;
  // Per block: CDN = transfer + request + a miss's S3 GET (origin transfer free); direct = S3.
  const direct = blockGB * s3 + get;
  const viaCdn = (hit: number) =>
    blockGB * cf + cfRequest + (1 - hit) * (get + blockGB * prices.s3.toCdnUsdPerGB);
  const breakEven = Math.max(
    0,
    1 - (direct - blockGB * cf - cfRequest) / (get + blockGB * prices.s3.toCdnUsdPerGB),
  );
  const ok =
    roundsTo(cf, s.cloudFrontUsdPerGB) &&
    roundsTo(s3, s.s3EgressUsdPerGB) &&
    breakEven <= d.cdnHitRateMin;
  return {
    method: "cost",
    verdict: verdictOf(ok),
    figures: [
      `CloudFront $${cf}/GB, S3 egress $${s3}/GB (first tier)`,
      `CDN cheaper per block from a ${pct(breakEven)} hit rate`,
    ],
    steps: [
      `price table ${prices.region} ${prices.asOf}: CloudFront first 10 TB $${cf}/GB; S3 to the ` +
        `internet first 10 TB $${s3}/GB; S3 to CloudFront $${prices.s3.toCdnUsdPerGB}/GB`,
      `a ${fmt(d.blockSizeBytes)} B block direct from S3: $${fmt(direct)}; via the CDN at 0 % / ` +
        `${pct(d.cdnHitRateMin)} hits: $${fmt(viaCdn(0))} / $${fmt(viaCdn(d.cdnHitRateMin))}`,
      `break-even hit rate = ${pct(breakEven)}: "offset at high hit rates" holds when it is at ` +
        `most C13's ${pct(d.cdnHitRateMin)}`,
    ],
    sources: ["design: stated.C32, cdnHitRateMin", "reports/cost/price-table.ts"],
  };
}
