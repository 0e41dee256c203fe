// bench:upload's judgement, pure: each upload-path operation's p50/p99 beside the sum of the bare
// parts it is made of (measured in the same run, bare-parts.ts), the ratio, and a verdict against
// issue 18's targets and the design's figures. The Postgres calls per request are the use cases'
// own (upload-init: file, missing, owned; delta: owned, record, grant; commit: owned, sizes, then
// the version's transaction), each charged one bare round trip, the transaction one bare commit.
import { latencyTargets, stated } from "../../../core/design-figures.ts";
import type { BarePartName, PartFigures } from "./bare-parts.ts";

const deltaUploadP99 = latencyTargets.find((t) => t.metric === "deltaUpload.latencyMsP99");

export const uploadTargets = {
  /** ChunkService CPU per delta upload (upload-init + delta + commit), issue 18. */
  cpuMsPerDeltaUploadMax: 15,
  /** delta + commit p50 over the sum of its bare parts, one request at a time, issue 18. */
  deltaCommitP50RatioMax: 1.5,
  /** C09: delta upload p99 under the design's bound. */
  deltaCommitP99MsMax: deltaUploadP99!.latencyMsMax,
  /** C16: the dedup check of a 1 GB file (250 hashes) within the design's range. */
  uploadInitP50MsMax: stated.C16.dedupCheckMsMax,
} as const;

export const postgresCallsPer = { uploadInit: 3, delta: 3, commitQueries: 2 } as const;

export interface OperationFigures {
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface UploadRow {
  readonly operation: string;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Sum of the bare parts' p50s, and what they are. */
  readonly bareP50Ms: number;
  readonly bareParts: string;
  readonly ratioP50: number;
  readonly target: string;
  readonly verdict: "held" | "missed" | "-";
}

type Bare = Readonly<Record<BarePartName, PartFigures>>;

function sum(bare: Bare, parts: ReadonlyArray<readonly [BarePartName, number]>) {
  return {
    ms: parts.reduce((total, [name, times]) => total + times * bare[name].p50Ms, 0),
    text: parts.map(([name, times]) => (times === 1 ? name : `${times}x ${name}`)).join(" + "),
  };
}

export function uploadRows(
  measured: Readonly<Record<"uploadInit" | "delta" | "commit" | "deltaCommit", OperationFigures>>,
  bare: Bare,
  cpuMsPerDeltaUpload: number | null,
): UploadRow[] {
  const init = sum(bare, [
    ["nginxHop", 1],
    ["postgresRoundTrip", postgresCallsPer.uploadInit],
  ]);
  const delta = sum(bare, [
    ["nginxHop", 1],
    ["s3Get4MiB", 1],
    ["deltaApply", 1],
    ["sha256Of4MiB", 1],
    ["s3Put4MiB", 1],
    ["postgresRoundTrip", postgresCallsPer.delta],
  ]);
  const commit = sum(bare, [
    ["nginxHop", 1],
    ["postgresRoundTrip", postgresCallsPer.commitQueries],
    ["postgresCommit", 1],
  ]);
  const row = (
    operation: string,
    m: OperationFigures,
    b: { ms: number; text: string },
    target: string,
    held: boolean | undefined,
  ): UploadRow => ({
    operation,
    p50Ms: m.p50Ms,
    p99Ms: m.p99Ms,
    bareP50Ms: b.ms,
    bareParts: b.text,
    ratioP50: b.ms > 0 ? m.p50Ms / b.ms : Number.POSITIVE_INFINITY,
    target,
    verdict: held === undefined ? "-" : held ? "held" : "missed",
  });
  const both = { ms: delta.ms + commit.ms, text: "PUT delta's + commit's" };
  const ratio = both.ms > 0 ? measured.deltaCommit.p50Ms / both.ms : Number.POSITIVE_INFINITY;
  const t = uploadTargets;
  return [
    row(
      "upload-init, 250 hashes (C16)",
      measured.uploadInit,
      init,
      `p50 <= ${t.uploadInitP50MsMax} ms`,
      measured.uploadInit.p50Ms <= t.uploadInitP50MsMax,
    ),
    row("PUT delta, 100 B edit of 4 MiB", measured.delta, delta, "-", undefined),
    row("commit", measured.commit, commit, "-", undefined),
    row(
      "delta + commit: p50 vs bare",
      measured.deltaCommit,
      both,
      `p50 <= ${t.deltaCommitP50RatioMax}x bare`,
      ratio <= t.deltaCommitP50RatioMax,
    ),
    row(
      "delta + commit: p99 (C09)",
      measured.deltaCommit,
      both,
      `p99 < ${t.deltaCommitP99MsMax} ms`,
      measured.deltaCommit.p99Ms < t.deltaCommitP99MsMax,
    ),
    {
      operation: "ChunkService CPU per delta upload",
      p50Ms: cpuMsPerDeltaUpload ?? Number.NaN,
      p99Ms: Number.NaN,
      bareP50Ms: bare.deltaApply.cpuMsPerCall + bare.sha256Of4MiB.cpuMsPerCall,
      bareParts: "deltaApply + sha256Of4MiB CPU",
      ratioP50:
        cpuMsPerDeltaUpload === null
          ? Number.NaN
          : cpuMsPerDeltaUpload / (bare.deltaApply.cpuMsPerCall + bare.sha256Of4MiB.cpuMsPerCall),
      target: `<= ${t.cpuMsPerDeltaUploadMax} ms`,
      verdict:
        cpuMsPerDeltaUpload === null
          ? "missed"
          : cpuMsPerDeltaUpload <= t.cpuMsPerDeltaUploadMax
            ? "held"
            : "missed",
    },
  ];
}

/** Exit code of the bench: 4 when any judged row missed (runtime/exit-codes.ts), else 0. */
export function uploadExitCode(rows: readonly UploadRow[]): 0 | 4 {
  return rows.some((r) => r.verdict === "missed") ? 4 : 0;
}
