// Reconnection backoff policies. Attempt j (0-based) waits a delay drawn uniformly from a window
// [lo_j, hi_j): "full" jitter (AWS Architecture Blog, "Exponential Backoff and Jitter", 2015)
// uses [0, w_j), "equal" jitter [w_j/2, w_j), with w_j = min(cap, base·2^j); an optional first
// window spreads the very first attempt (Dropbox-style: up to 90 s).

export interface BackoffPolicy {
  readonly name: string;
  readonly baseS: number;
  readonly capS: number;
  /** "none": every device of a cohort waits the whole window (what no jitter does to a fleet). */
  readonly jitter: "full" | "equal" | "none";
  /** Window of attempt 0 when it differs from the exponential rule. */
  readonly firstWindowS?: number;
}

export const backoffPolicies: readonly BackoffPolicy[] = [
  // The reading of the design: 0.5-30 s exponential backoff with full jitter.
  { name: "full-jitter-0.5-30s", baseS: 0.5, capS: 30, jitter: "full" },
  // The design's words "exponential backoff (0.5s to 30s jitter)": CHOSEN as equal jitter,
  // half of each window fixed and half random.
  { name: "design-equal-jitter-0.5-30s", baseS: 0.5, capS: 30, jitter: "equal" },
  // Dropbox-style: the first reconnect spread uniformly over 90 s, then full jitter capped at 90 s.
  { name: "dropbox-90s", baseS: 0.5, capS: 90, jitter: "full", firstWindowS: 90 },
];

/** [lo, hi) of attempt j's delay in seconds. */
export function backoffWindow(policy: BackoffPolicy, attempt: number): [number, number] {
  const w =
    attempt === 0 && policy.firstWindowS !== undefined
      ? policy.firstWindowS
      : Math.min(policy.capS, policy.baseS * 2 ** Math.min(attempt, 60));
  if (policy.jitter === "none") return [w, w];
  return policy.jitter === "full" ? [0, w] : [w / 2, w];
}

/**
 * Oracle with independent success probability p per attempt (notes/simulation.md §2.7):
 * E[attempts] = 1/p; E[T] = Σ_j (1−p)^j · E[U_j], U_j the delay of attempt j.
 */
export function backoffMeanTimeS(
  policy: BackoffPolicy,
  p: number,
): { attempts: number; meanTimeS: number } {
  let mean = 0,
    survive = 1;
  for (let j = 0; j < 10_000 && survive > 1e-15; j++) {
    const [lo, hi] = backoffWindow(policy, j);
    mean += (survive * (lo + hi)) / 2;
    survive *= 1 - p;
  }
  return { attempts: 1 / p, meanTimeS: mean };
}
