// The fault lab's audit, as pure code: every commit the service acknowledged must still be listed
// among its file's versions, and its content, fetched through the download path, must hash to
// the SHA-256 the device computed before it uploaded. chaos-lab.ts gathers one observation per
// acknowledgement; this file judges them and counts, so the rules are unit tested.

/** One commit the service acknowledged with 200: what the device must be able to read back. */
export interface Ack {
  readonly userId: string;
  readonly path: string;
  readonly version: number;
  /** SHA-256 (hex) of the whole file's bytes, computed by the device before upload-init. */
  readonly sha256: string;
  readonly sizeBytes: number;
  /** When the 200 arrived, ms since the epoch. */
  readonly ackedAtMs: number;
}

/** What the audit saw for one acknowledgement. */
export interface Observation {
  /** The version is among GET /v1/files/versions' rows for its path. */
  readonly listed: boolean;
  /** SHA-256 of the bytes the download path served; undefined when the download failed. */
  readonly downloadedSha256?: string;
  /** Why the listing or the download failed (status and code), when it did. */
  readonly error?: string;
}

export type LossReason = "not-listed" | "download-failed" | "content-mismatch";

export interface Loss {
  readonly ack: Ack;
  readonly reason: LossReason;
  readonly detail: string;
}

export interface AuditResult {
  readonly acknowledged: number;
  readonly found: number;
  readonly lost: number;
  /** At most `lossesShownMax` of them, each with its reason. */
  readonly losses: readonly Loss[];
}

export const lossesShownMax = 20;

/** A key that names one acknowledged version (a user's path and version). */
export const ackKey = (a: Pick<Ack, "userId" | "path" | "version">): string =>
  `${a.userId}\u0000${a.path}\u0000${a.version}`;

function judge(ack: Ack, seen: Observation | undefined): Loss | undefined {
  if (!seen) return { ack, reason: "not-listed", detail: "never audited" };
  if (!seen.listed)
    return { ack, reason: "not-listed", detail: seen.error ?? "version missing from the listing" };
  if (seen.downloadedSha256 === undefined)
    return { ack, reason: "download-failed", detail: seen.error ?? "no content" };
  if (seen.downloadedSha256 !== ack.sha256) {
    return {
      ack,
      reason: "content-mismatch",
      detail: `downloaded SHA-256 ${seen.downloadedSha256}, acknowledged ${ack.sha256}`,
    };
  }
  return undefined;
}

/**
 * Judges every acknowledgement against its observation (keyed by ackKey). Two acknowledgements of
 * one version (a retry that replayed the commit's result) are one commit: they must agree on the
 * SHA-256, and count once.
 */
export function auditAcks(
  acks: readonly Ack[],
  observations: ReadonlyMap<string, Observation>,
): AuditResult {
  const unique = new Map<string, Ack>();
  const conflicts = new Map<string, string>();
  for (const ack of acks) {
    const before = unique.get(ackKey(ack));
    if (before === undefined) unique.set(ackKey(ack), ack);
    else if (before.sha256 !== ack.sha256) conflicts.set(ackKey(ack), ack.sha256);
  }
  const losses: Loss[] = [];
  for (const [key, ack] of unique) {
    const other = conflicts.get(key);
    const loss =
      other === undefined
        ? judge(ack, observations.get(key))
        : {
            ack,
            reason: "content-mismatch" as const,
            detail: `one version acknowledged with two contents (${ack.sha256}, ${other})`,
          };
    if (loss) losses.push(loss);
  }
  return {
    acknowledged: unique.size,
    found: unique.size - losses.length,
    lost: losses.length,
    losses: losses.slice(0, lossesShownMax),
  };
}
