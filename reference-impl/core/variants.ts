// The design's three variants (its comparison table: V0 naive, V1 block-level chunked, V2 delta
// sync) as configuration of the same services: one flag per behaviour the variants differ by, each
// saying who applies it. The client and the compare-variants driver apply the upload, notify, CDN
// and link flags; the stack applies the GC grace period (SYNCBENCH_GC_GRACE_HOURS at `up`); the
// cost model reads the rest (zones, shards, the event stream). No variant is a code base of its
// own. Pure data: no I/O.
import { stated } from "./design-figures.ts";

export const variantNames = ["V0", "V1", "V2"] as const;
export type VariantName = (typeof variantNames)[number];

/** What an edit sends: every block of the file whole, the changed blocks whole, or their deltas. */
export const uploadModes = ["whole-file", "block", "delta"] as const;
export type UploadMode = (typeof uploadModes)[number];

/**
 * How another device learns of a change: polling the MetadataDB's listing every interval (no
 * event stream), reading the Kafka-fed event log on the same interval, or a WebSocket push.
 */
export const notifyModes = ["poll", "kafka-poll", "push"] as const;
export type NotifyMode = (typeof notifyModes)[number];

export interface Variant {
  readonly name: VariantName;
  /** The design's row, as it names it. */
  readonly title: string;
  /** Client: what an edit uploads. */
  readonly upload: UploadMode;
  /** Client: how the other devices hear of a change. */
  readonly notify: NotifyMode;
  /** Client: seconds between polls (poll, kafka-poll); unused by push. */
  readonly pollIntervalS: number;
  /** Driver: block URLs from the CDN edge (true) or presigned S3 GETs (false, `via=s3`). */
  readonly cdn: boolean;
  /** Client: uploads paced to this link speed (the design's figures assume 100 Mbps). */
  readonly linkMbps: number;
  /**
   * Stack: hours an orphaned block waits before GC (SYNCBENCH_GC_GRACE_HOURS at `up`); null when
   * the variant keeps no block references (V0 stores whole files: nothing to collect).
   */
  readonly gcGraceHours: number | null;
  /** Cost model: Kafka SyncStream and its consumers (GcWorker, NotificationService) exist. */
  readonly eventStream: boolean;
  /** Cost model: MetadataDB sharded by user (else one database). */
  readonly shardedMetadata: boolean;
  /** Cost model: every pool and database in two zones. */
  readonly multiAz: boolean;
}

/** Who applies each flag: the compare-variants table prints it beside the values. */
export const variantFlagAppliedBy: Readonly<
  Record<Exclude<keyof Variant, "name" | "title">, string>
> = {
  upload: "client (SyncClient upload mode)",
  notify: "client (change watcher)",
  pollIntervalS: "client (change watcher)",
  cdn: "driver (DownloadService URLs: CDN edge or via=s3)",
  linkMbps: "client (upload bodies paced)",
  gcGraceHours: "stack (SYNCBENCH_GC_GRACE_HOURS at up)",
  eventStream: "cost model",
  shardedMetadata: "cost model",
  multiAz: "cost model",
};

/**
 * "extended from V1's 24 hours" (the design's GC paragraph): V1's grace period, the one figure of
 * the variants that design-figures.ts does not already hold.
 */
const v1GraceHours = 24;

export const variants: Readonly<Record<VariantName, Variant>> = {
  V0: {
    name: "V0",
    title: "Naive (Whole-File Upload + Polling)",
    upload: "whole-file",
    notify: "poll",
    pollIntervalS: stated.C20.pollIntervalS,
    cdn: false,
    linkMbps: stated.C27.linkMbps,
    gcGraceHours: null,
    eventStream: false,
    shardedMetadata: false,
    multiAz: false,
  },
  V1: {
    name: "V1",
    title: "Block-Level Chunked (SHA-256 + Kafka)",
    upload: "block",
    notify: "kafka-poll",
    pollIntervalS: stated.C20.pollIntervalS,
    cdn: false,
    linkMbps: stated.C27.linkMbps,
    gcGraceHours: v1GraceHours,
    eventStream: true,
    shardedMetadata: true,
    multiAz: true,
  },
  V2: {
    name: "V2",
    title: "Delta Sync + Dedup (WebSocket + CDN)",
    upload: "delta",
    notify: "push",
    pollIntervalS: stated.C20.pollIntervalS,
    cdn: true,
    linkMbps: stated.C27.linkMbps,
    gcGraceHours: stated.C27.graceHours,
    eventStream: true,
    shardedMetadata: true,
    multiAz: true,
  },
};

export function isVariantName(value: string): value is VariantName {
  return (variantNames as readonly string[]).includes(value);
}
