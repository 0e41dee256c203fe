// Seconds to recover, as pure code: the load's outcomes in 1 s windows, the error rate before the
// fault as the baseline, and recovery as the start of the first window after the fault from which
// every window with traffic stays at or under the baseline (plus a small allowance) to the end,
// holding for at least `holdWindowsMin` windows with a success in each. Measured from the
// injection. The words: "error rate back to its pre-fault level".

export interface Outcome {
  readonly atMs: number;
  readonly ok: boolean;
}

export interface RecoveryOptions {
  readonly faultAtMs: number;
  readonly endAtMs: number;
  readonly windowMs?: number;
  /** Windows the recovered state must hold (with traffic) before it counts. */
  readonly holdWindowsMin?: number;
  /** Added to the baseline error rate, so one unlucky error does not hide a recovery. */
  readonly allowance?: number;
}

export interface Recovery {
  /** Errors / outcomes before the fault. */
  readonly baselineErrorRate: number;
  /** Seconds from the fault to the first window of the recovered stretch; undefined: never. */
  readonly recoverySeconds: number | undefined;
  /** Errors / outcomes from the fault to the recovery (or the end). */
  readonly faultErrorRate: number;
}

interface Window {
  ok: number;
  failed: number;
}

export function recoveryOf(outcomes: readonly Outcome[], options: RecoveryOptions): Recovery {
  const windowMs = options.windowMs ?? 1000;
  const holdMin = options.holdWindowsMin ?? 3;
  const allowance = options.allowance ?? 0.02;
  const before = outcomes.filter((o) => o.atMs < options.faultAtMs);
  const baselineErrorRate =
    before.length === 0 ? 0 : before.filter((o) => !o.ok).length / before.length;
  const count = Math.max(0, Math.ceil((options.endAtMs - options.faultAtMs) / windowMs));
  const windows: Window[] = Array.from({ length: count }, () => ({ ok: 0, failed: 0 }));
  for (const o of outcomes) {
    const index = Math.floor((o.atMs - options.faultAtMs) / windowMs);
    const w = windows[index];
    if (w) {
      if (o.ok) w.ok++;
      else w.failed++;
    }
  }
  const healthy = (w: Window) =>
    w.ok > 0 && w.failed / (w.ok + w.failed) <= baselineErrorRate + allowance;
  // Scan from the end: the recovered stretch is the longest healthy suffix (empty windows pass).
  let start = windows.length;
  let held = 0;
  for (let i = windows.length - 1; i >= 0; i--) {
    const w = windows[i] as Window;
    if (w.ok + w.failed === 0) {
      start = i;
      continue;
    }
    if (!healthy(w)) break;
    start = i;
    held++;
  }
  const recovered = held >= holdMin;
  const upTo = recovered ? options.faultAtMs + start * windowMs : options.endAtMs;
  const during = outcomes.filter((o) => o.atMs >= options.faultAtMs && o.atMs < upTo);
  return {
    baselineErrorRate,
    recoverySeconds: recovered ? (start * windowMs) / 1000 : undefined,
    faultErrorRate: during.length === 0 ? 0 : during.filter((o) => !o.ok).length / during.length,
  };
}
