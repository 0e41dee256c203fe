// The claims of design/CLAIMS.md as the ledger prints them: id, the claim in a line, and the
// methods CLAIMS.md names (claims-list.test.ts checks this list against the file, so the two
// cannot drift). Data only.

export interface ClaimText {
  readonly id: string;
  readonly claim: string;
  /** CLAIMS.md's method column, as written. */
  readonly method: string;
}

export const claimTexts: readonly ClaimText[] = [
  {
    id: "C01",
    claim: "A 100-byte edit in a 4 MB block gives a delta of about 200 bytes",
    method: "measured",
  },
  {
    id: "C02",
    claim: "That is a ~20,000x reduction versus uploading the 4 MB block",
    method: "arithmetic, measured",
  },
  {
    id: "C03",
    claim: "Delta sync saves more than 95% of upload bandwidth for typical document editing",
    method: "measured (edit workloads)",
  },
  {
    id: "C04",
    claim: "Client computes a block delta in ~50 ms (Adler-32 rolling hash)",
    method: "measured",
  },
  {
    id: "C05",
    claim: "Server reconstructs a block from base + delta in ~30 ms",
    method: "measured",
  },
  {
    id: "C06",
    claim: "Per-block overhead ~80 ms compute + ~20 ms S3 read for the base block",
    method: "measured",
  },
  {
    id: "C07",
    claim: "Delta is a net win whenever the delta is under 3.9 MB",
    method: "arithmetic, measured",
  },
  {
    id: "C08",
    claim: "Deltas are typically 1-10% of the full block size",
    method: "measured (edit workloads)",
  },
  { id: "C09", claim: "Delta upload p99 < 0.1 s (200-byte delta)", method: "measured, simulated" },
  {
    id: "C10",
    claim: "WebSocket push arrives within ~200 ms of the Kafka publish",
    method: "measured, simulated",
  },
  { id: "C11", claim: "Sync notification p99 < 2 s", method: "measured, simulated" },
  {
    id: "C12",
    claim: "CDN download p99 < 50 ms; sub-10 ms from edge vs 20 ms+ from S3",
    method: "measured, simulated",
  },
  {
    id: "C13",
    claim: "CDN hit rate > 60% for shared content",
    method: "simulated (popularity model), measured",
  },
  {
    id: "C14",
    claim:
      "25K RPS peak (upload + download + notifications) is served by 15 ChunkService, 10 DownloadService and 20 NotificationService pods",
    method: "simulated",
  },
  {
    id: "C15",
    claim: "Downloads outnumber uploads 3:1",
    method: "input assumption: say how sensitive the results are to it",
  },
  {
    id: "C16",
    claim:
      "Dedup check for a 1 GB file (250 hashes) takes ~10-15 ms; a MetadataCache hit costs ~2 ms per hash",
    method: "arithmetic, measured",
  },
  {
    id: "C17",
    claim: "A 1 GB file has 250 block hashes, ~16 KB of hash list",
    method: "arithmetic",
  },
  {
    id: "C18",
    claim: "100M connected devices = 20 pods x 5M connections",
    method: "arithmetic, simulated",
  },
  {
    id: "C19",
    claim: "~2 KB of memory per WebSocket connection, so 10 GB per pod at 5M connections",
    method: "measured, arithmetic",
  },
  {
    id: "C20",
    claim: "Polling every 5 s at 100M users costs 20M QPS of mostly empty responses",
    method: "arithmetic",
  },
  {
    id: "C21",
    claim: "Push is ~10x faster than polling (200 ms vs 2.5 s average polling delay)",
    method: "arithmetic, measured",
  },
  {
    id: "C22",
    claim:
      "A rolling deploy restarting 2-3 pods causes at most 15M reconnections; exponential backoff 0.5 s to 30 s with jitter absorbs them",
    method: "simulated",
  },
  { id: "C23", claim: "Average user has 2-3 connected devices", method: "input assumption" },
  { id: "C24", claim: "700M users over 64 shards is ~11M users per shard", method: "arithmetic" },
  {
    id: "C25",
    claim:
      "A user with 1M small files has ~500 MB of metadata on one shard; listing at 1,000 rows a page takes 1,000 calls over ~30 s",
    method: "arithmetic, measured",
  },
  { id: "C26", claim: "~10 versions per file per month", method: "input assumption" },
  {
    id: "C27",
    claim:
      "A 50 GB upload at 100 Mbps takes ~67 minutes, so a 72-hour GC grace period covers the slowest multi-session uploads",
    method: "arithmetic",
  },
  {
    id: "C28",
    claim: "72 hours of orphaned blocks cost ~0.1% of total storage",
    method: "arithmetic (state the churn it implies), simulated",
  },
  {
    id: "C29",
    claim: "3-5 PB at 1M users with 30-50% dedup; scales to 1+ EB",
    method: "arithmetic",
  },
  {
    id: "C30",
    claim:
      "Kafka SyncStream: 64 partitions, 1M msg/s capacity, 7-day retention; NotificationService lag < 1 s, GCWorker lag up to 1 h",
    method: "simulated, measured",
  },
  { id: "C31", claim: "Cost: V0 $500/month, V1 $3,000/month, V2 $8,000/month", method: "cost" },
  {
    id: "C32",
    claim: "CloudFront ~$0.085/GB vs S3 egress ~$0.09/GB; CDN cost is offset at high hit rates",
    method: "cost",
  },
  {
    id: "C33",
    claim: "Availability: V0 99%, V1 99.9%, V2 99.95%",
    method: "arithmetic (component availabilities in series/parallel, stated as assumptions)",
  },
  {
    id: "C34",
    claim:
      "V0 uploads 1 GB in 80 s+; V1 uploads a changed block in 0.3 s; V2 uploads a delta in < 0.1 s",
    method: "measured (scaled to the stated link speed), arithmetic",
  },
  {
    id: "C35",
    claim:
      "Editing a document 10 times a day costs 40 MB/day with chunking vs 2 KB/day with delta sync",
    method: "arithmetic, measured",
  },
  {
    id: "C36",
    claim: "Polling delay 0-5 s (V0), < 5 s (V1), < 2 s (V2)",
    method: "measured, simulated",
  },
];
