// The 100M-device population through a rolling deploy, as cohorts: no object and no event per
// device. Connected devices are counts per pod; devices in transit are counts per backoff level
// in a timing wheel of `bucketS` slots, kept as a difference array because each attempt's delay
// is uniform on a window (so a cohort of n failures adds a constant n/B per slot over B slots).
// This is the N→∞ fluid limit of the per-device model (oracles/rolling-deploy-per-device.ts),
// whose gap shrinks with N (notes/simulation.md §2.7); oracles/rolling-deploy.test.ts compares
// the two at 1e6 devices.
// Handshakes: each live pod accepts `handshakesPerPodPerS` per slot; excess attempts fail and
// back off to the next level (rejection, not queueing).
import { backoffWindow, type BackoffPolicy } from "./backoff.ts";

export interface RollingDeployOptions {
  readonly devices: number;
  readonly pods: number;
  readonly podsPerWave: number;
  /** Waves to run (default: every pod once). */
  readonly waves?: number;
  readonly restartS: number;
  readonly handshakesPerPodPerS: number;
  /** file_changed pushes per device per second (uploads/s × devices per user / devices). */
  readonly notificationsPerDevicePerS: number;
  readonly policy: BackoffPolicy;
  readonly bucketS: number;
  /** Pause after a wave has recovered (99.9 %) before the next one starts. */
  readonly settleS: number;
  readonly horizonS: number;
  /**
   * Width of the sliding window the peak attempt and connect rates are counted over, a multiple
   * of bucketS (default: bucketS, one slot).
   */
  readonly peakWindowS?: number;
}

export interface WaveReport {
  readonly wave: number;
  readonly startS: number;
  readonly dropped: number;
  readonly recovery99S: number;
  readonly recovery999S: number;
}

export interface RollingDeployResult {
  readonly waves: readonly WaveReport[];
  readonly attemptRatePeakPerS: number;
  readonly connectRatePeakPerS: number;
  /** Registry (Redis) writes: one HSET per connect; the HDELs of a drop come as one burst. */
  readonly registryWritesPeakPerS: number;
  readonly attemptsPerReconnect: number;
  readonly attempts: number;
  /** Registry HSETs over the run: one per successful reconnect. */
  readonly registryWrites: number;
  readonly disconnectedDeviceS: number;
  readonly notificationsDelayed: number;
  readonly connectionsPerPodMax: number;
  readonly endS: number;
  readonly stateBytes: number;
}

const levelCount = 24;

export function simulateRollingDeploy(o: RollingDeployOptions): RollingDeployResult {
  return new CohortDeploy(o).run();
}

class CohortDeploy {
  private readonly slots: number;
  private readonly diff: Float64Array; // [slot * levelCount + level]
  private readonly rate = new Float64Array(levelCount);
  private readonly connected: Float64Array;
  private readonly podUpAtS: Float64Array;
  private pending = 0;
  private readonly stats = {
    attemptPeak: 0,
    connectPeak: 0,
    attempts: 0,
    reconnects: 0,
    disconnected: 0,
    perPodMax: 0,
  };
  private readonly window = {
    slots: 1,
    attempts: 0,
    connects: 0,
    ringA: new Float64Array(1),
    ringC: new Float64Array(1),
  };

  constructor(private readonly o: RollingDeployOptions) {
    const windowMax = Math.max(
      ...Array.from({ length: levelCount }, (_, j) => backoffWindow(o.policy, j)[1]),
    );
    this.slots = Math.ceil(windowMax / o.bucketS) + 2;
    this.diff = new Float64Array(this.slots * levelCount);
    this.connected = new Float64Array(o.pods).fill(o.devices / o.pods);
    this.podUpAtS = new Float64Array(o.pods);
    const w = this.window;
    w.slots = Math.max(1, Math.round((o.peakWindowS ?? o.bucketS) / o.bucketS));
    w.ringA = new Float64Array(w.slots);
    w.ringC = new Float64Array(w.slots);
  }

  run(): RollingDeployResult {
    const o = this.o,
      waves: WaveReport[] = [];
    const waveCount = o.waves ?? Math.ceil(o.pods / o.podsPerWave);
    let slot = 0;
    for (let w = 0; w < waveCount; w++) {
      const startS = slot * o.bucketS;
      if (startS > o.horizonS) break;
      const dropped = this.dropWave(w, slot);
      const marks = [0.99, 0.999].map((f) => dropped * (1 - f));
      const done: number[] = [];
      while (done.length < 2 && slot * o.bucketS <= o.horizonS) {
        this.step(slot++);
        // step(k) holds the attempts of [(k-1)·bucketS, k·bucketS): the wave is back by k·bucketS.
        while (done.length < 2 && this.pending <= marks[done.length]!)
          done.push((slot - 1) * o.bucketS - startS);
      }
      waves.push({
        wave: w,
        startS,
        dropped,
        recovery99S: done[0] ?? NaN,
        recovery999S: done[1] ?? NaN,
      });
      while (slot * o.bucketS < startS + (done[1] ?? 0) + o.settleS) this.step(slot++);
    }
    return this.report(waves, slot * o.bucketS);
  }

  private dropWave(wave: number, slot: number): number {
    const o = this.o,
      nowS = slot * o.bucketS;
    let dropped = 0;
    for (let k = 0; k < o.podsPerWave; k++) {
      const pod = wave * o.podsPerWave + k;
      if (pod >= o.pods) break;
      dropped += this.connected[pod]!;
      this.connected[pod] = 0;
      this.podUpAtS[pod] = nowS + o.restartS;
    }
    this.pending += dropped;
    this.addCohort(slot, 0, dropped);
    return dropped;
  }

  /** n devices make attempt `level` at a time uniform in the level's window after `slot`. */
  private addCohort(slot: number, level: number, n: number): void {
    if (n <= 0) return;
    const [lo, hi] = backoffWindow(this.o.policy, level);
    const first = slot + 1 + Math.floor(lo / this.o.bucketS);
    const width = Math.max(1, Math.round((hi - lo) / this.o.bucketS));
    const l = Math.min(level, levelCount - 1);
    this.diff[(first % this.slots) * levelCount + l]! += n / width;
    this.diff[((first + width) % this.slots) * levelCount + l]! -= n / width;
  }

  private step(slot: number): void {
    const o = this.o,
      nowS = slot * o.bucketS,
      base = (slot % this.slots) * levelCount;
    let attempts = 0;
    for (let l = 0; l < levelCount; l++) {
      this.rate[l]! += this.diff[base + l]!;
      this.diff[base + l] = 0;
      if (this.rate[l]! < 1e-9) this.rate[l] = 0;
      attempts += this.rate[l]!;
    }
    let livePods = 0;
    for (let p = 0; p < o.pods; p++) if (this.podUpAtS[p]! <= nowS) livePods++;
    const capacity = livePods * o.handshakesPerPodPerS * o.bucketS;
    const successFraction = attempts > 0 ? Math.min(1, capacity / attempts) : 0;
    const connects = attempts * successFraction;
    for (let l = 0; l < levelCount; l++) {
      const failed = this.rate[l]! * (1 - successFraction);
      this.addCohort(slot, Math.min(l + 1, levelCount - 1), failed);
    }
    this.spreadConnects(connects, nowS, livePods);
    this.pending -= connects;
    this.account(slot, attempts, connects);
  }

  private spreadConnects(connects: number, nowS: number, livePods: number): void {
    if (connects <= 0) return;
    for (let p = 0; p < this.o.pods; p++) {
      if (this.podUpAtS[p]! > nowS) continue;
      const c = (this.connected[p]! += connects / livePods);
      if (c > this.stats.perPodMax) this.stats.perPodMax = c;
    }
  }

  private account(slot: number, attempts: number, connects: number): void {
    const s = this.stats,
      dt = this.o.bucketS,
      w = this.window;
    s.attempts += attempts;
    s.reconnects += connects;
    s.disconnected += this.pending * dt;
    const i = slot % w.slots; // sliding sums over the last w.slots slots
    w.attempts += attempts - w.ringA[i]!;
    w.connects += connects - w.ringC[i]!;
    w.ringA[i] = attempts;
    w.ringC[i] = connects;
    s.attemptPeak = Math.max(s.attemptPeak, w.attempts / (w.slots * dt));
    s.connectPeak = Math.max(s.connectPeak, w.connects / (w.slots * dt));
  }

  private report(waves: WaveReport[], endS: number): RollingDeployResult {
    const s = this.stats;
    return {
      waves,
      endS,
      attemptRatePeakPerS: s.attemptPeak,
      connectRatePeakPerS: s.connectPeak,
      registryWritesPeakPerS: s.connectPeak,
      attemptsPerReconnect: s.reconnects > 0 ? s.attempts / s.reconnects : NaN,
      attempts: s.attempts,
      registryWrites: s.reconnects,
      disconnectedDeviceS: s.disconnected,
      notificationsDelayed: s.disconnected * this.o.notificationsPerDevicePerS,
      connectionsPerPodMax: s.perPodMax,
      stateBytes:
        this.diff.byteLength +
        this.connected.byteLength +
        this.podUpAtS.byteLength +
        this.rate.byteLength,
    };
  }
}
