// The bandwidth cost of hiding upload-init's existence side channel the way Harnik, Pinkas and
// Shulman-Peleg propose ("Side channels in cloud services: deduplication in cloud storage", IEEE
// Security & Privacy 8(6), 2010): each block gets a secret random threshold t, uniform on 2..d, and
// the server answers "upload it" until t users have uploaded it; only then does it deduplicate
// (here: hand out a possession challenge). An attacker learns that a block exists only once t
// copies exist, so a rare block (one person's document) never shows. The cost: the uploads of
// copies 2..t that dedup would have saved. Pure arithmetic over a copy-count distribution.

/** Expected uploads given up for a block with `copies` copies: E[min(copies, t) - 1], t ~ U{2..d}. */
export function extraUploadsPerBlock(copies: number, d: number): number {
  let sum = 0;
  for (let t = 2; t <= d; t++) sum += Math.min(copies, t) - 1;
  return sum / (d - 1);
}

export interface CopyLaw {
  /** P(n copies) ∝ n^-alpha for n in 1..copiesMax (a power law, as file popularity is). */
  readonly alpha: number;
  readonly copiesMax: number;
}

export interface MitigationCost {
  readonly alpha: number;
  readonly d: number;
  /** 1 - distinct / uploaded: what cross-user dedup saves without the mitigation. */
  readonly dedupSavingFraction: number;
  /** Of the uploads dedup saved, the share the mitigation gives up. */
  readonly savingGivenUpFraction: number;
  /** Extra upload bytes as a share of all uploaded block copies. */
  readonly extraUploadFraction: number;
}

export function mitigationCost(law: CopyLaw, d: number): MitigationCost {
  let weight = 0;
  let copies = 0;
  let extra = 0;
  for (let n = 1; n <= law.copiesMax; n++) {
    const p = n ** -law.alpha;
    weight += p;
    copies += p * n;
    extra += p * extraUploadsPerBlock(n, d);
  }
  const meanCopies = copies / weight;
  const meanExtra = extra / weight;
  return {
    alpha: law.alpha,
    d,
    dedupSavingFraction: 1 - 1 / meanCopies,
    savingGivenUpFraction: meanExtra / (meanCopies - 1),
    extraUploadFraction: meanExtra / meanCopies,
  };
}
