// The plan of one GC sweep batch, pure: which of the candidate blocks the sweep may delete and in
// which order, and why it leaves the others. The loop (gc-loop.ts) does the I/O and re-checks every
// block under its row lock before it deletes (MetadataDb.beginBlockDeletion): a plan is advice
// read from a snapshot, never the permission to delete.
import type { BlockRecord } from "../../stores/metadata-db/metadata-db.port.ts";

export type SkipReason = "referenced" | "in-grace";

export interface SweepPlan {
  /** Deletions a dead worker began, to finish first; then blocks due for deletion. */
  readonly toDelete: readonly string[];
  /** How many of toDelete resume a deletion begun earlier. */
  readonly resumedCount: number;
  readonly skipped: readonly { readonly hash: string; readonly reason: SkipReason }[];
}

export interface PlanSweepOptions {
  readonly nowMs: number;
  /** Most blocks one batch deletes (the loop's bound on work between two row-lock checks). */
  readonly batchBlocksMax: number;
}

export function planSweep(
  candidates: readonly BlockRecord[],
  options: PlanSweepOptions,
): SweepPlan {
  const resumed: string[] = [];
  const due: { hash: string; deleteAfterMs: number }[] = [];
  const skipped: { hash: string; reason: SkipReason }[] = [];
  const seen = new Set<string>();
  for (const block of candidates) {
    if (seen.has(block.hash)) continue;
    seen.add(block.hash);
    if (block.refCount > 0) skipped.push({ hash: block.hash, reason: "referenced" });
    else if (block.deletingSinceMs !== undefined) resumed.push(block.hash);
    else if (block.deleteAfterMs !== undefined && block.deleteAfterMs <= options.nowMs)
      due.push({ hash: block.hash, deleteAfterMs: block.deleteAfterMs });
    else skipped.push({ hash: block.hash, reason: "in-grace" });
  }
  // Oldest due first, ties by hash, so two runs over the same rows plan the same batch.
  due.sort((a, b) => a.deleteAfterMs - b.deleteAfterMs || (a.hash < b.hash ? -1 : 1));
  const toDelete = [...resumed, ...due.map((d) => d.hash)].slice(0, options.batchBlocksMax);
  return {
    toDelete,
    resumedCount: Math.min(resumed.length, options.batchBlocksMax),
    skipped,
  };
}
