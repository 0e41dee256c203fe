// The price table the cost model reads, as data. It reproduces AWS's public on-demand list
// prices for region us-east-1 (US East, N. Virginia) as of 2024-12, from the pricing pages of
// Fargate, S3, CloudFront, MSK, RDS for PostgreSQL, ElastiCache and Elastic Load Balancing,
// typed from those pages as the author knew them: an ASSUMPTION to check and update, not a quote.
// Change the figures here (and `asOf`) when prices move; every cost line names the entry it used.

/** A tiered price: `upToGB` of each month's volume at `usdPerGB`, the last tier unbounded. */
export interface Tier {
  readonly upToGB: number;
  readonly usdPerGB: number;
}

export const priceTable = {
  asOf: "2024-12",
  region: "us-east-1",
  source:
    "AWS public on-demand list prices (aws.amazon.com/<service>/pricing), region " +
    "us-east-1, as of 2024-12; typed from the pricing pages, to be checked before use",
  compute: {
    /** Fargate Linux/x86: the per-vCPU and per-GB rates a pod of the design pays. */
    usdPerVcpuHour: 0.04048,
    usdPerGiBHour: 0.004445,
  },
  s3: {
    /** S3 Standard storage, per GB-month: first 50 TB, next 450 TB, over 500 TB. */
    storageTiers: [
      { upToGB: 50_000, usdPerGB: 0.023 },
      { upToGB: 500_000, usdPerGB: 0.022 },
      { upToGB: Infinity, usdPerGB: 0.021 },
    ] as readonly Tier[],
    usdPerThousandPuts: 0.005,
    usdPerThousandGets: 0.0004,
    /** Data transfer out to the internet: first 10 TB, next 40 TB, next 100 TB, over 150 TB. */
    egressTiers: [
      { upToGB: 10_000, usdPerGB: 0.09 },
      { upToGB: 50_000, usdPerGB: 0.085 },
      { upToGB: 150_000, usdPerGB: 0.07 },
      { upToGB: Infinity, usdPerGB: 0.05 },
    ] as readonly Tier[],
    /** S3 to CloudFront (origin fetches) is not charged. */
    toCdnUsdPerGB: 0,
  },
  cloudFront: {
    /** United States / Europe data transfer out, per GB: 10 TB, 40 TB, 100 TB, 350 TB, ... */
    egressTiers: [
      { upToGB: 10_000, usdPerGB: 0.085 },
      { upToGB: 50_000, usdPerGB: 0.08 },
      { upToGB: 150_000, usdPerGB: 0.06 },
      { upToGB: 500_000, usdPerGB: 0.04 },
      { upToGB: 1_024_000, usdPerGB: 0.03 },
      { upToGB: 5_120_000, usdPerGB: 0.025 },
      { upToGB: Infinity, usdPerGB: 0.02 },
    ] as readonly Tier[],
    usdPerTenThousandHttpsRequests: 0.01,
  },
  msk: {
    /** kafka.m5.large broker-hour and broker storage per GB-month. */
    usdPerBrokerHour: 0.21,
    usdPerStorageGBMonth: 0.1,
  },
  rds: {
    /** PostgreSQL db.r6g.xlarge (4 vCPU, 32 GiB) instance-hour, single-AZ; Multi-AZ is twice. */
    usdPerInstanceHour: 0.449,
    /** gp3 storage per GB-month, single-AZ; Multi-AZ is twice. */
    usdPerStorageGBMonth: 0.115,
  },
  elastiCache: {
    /** cache.r6g.large node-hour (the Redis connection registry). */
    usdPerNodeHour: 0.206,
  },
  loadBalancer: {
    /** Application Load Balancer hour (LCU charges not modelled). */
    usdPerHour: 0.0225,
  },
  /** A month of the price lists: 730 hours. */
  hoursPerMonth: 730,
} as const;

export type PriceTable = typeof priceTable;

/** The cost of `gb` in one month under a tiered price (each tier's share at its rate). */
export function tieredUsd(tiers: readonly Tier[], gb: number): number {
  let usd = 0;
  let from = 0;
  for (const tier of tiers) {
    if (gb <= from) break;
    usd += (Math.min(gb, tier.upToGB) - from) * tier.usdPerGB;
    from = tier.upToGB;
  }
  return usd;
}
