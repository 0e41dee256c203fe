// The rolling deploy followed device by device: the reference that the cohort model
// (models/population.ts) is checked against at 1e5-1e6 devices (rolling-deploy.test.ts).
// Every device is an entry in typed arrays (its pod, its next attempt time, its attempt count)
// and every reconnect attempt is an event on the simulator's own queue (core/environment.ts),
// so nothing is averaged: pod choice, backoff delays and admission are drawn per attempt.
// Same rules as the cohort model: a wave stops `podsPerWave` pods for `restartS`, their devices
// make attempt j after a delay uniform on backoffWindow(policy, j), the load balancer sends an
// attempt to a live pod chosen uniformly, an attempt refused for want of handshake capacity is
// a failure (rejection, not queueing), and the next wave starts `settleS` after 99.9 % of this
// wave's devices are back. Handshake capacity is the cohort's: H·slotS attempts per live pod in
// each slot of slotS, first come first served, the rest refused. `admission` says whether that
// capacity is pooled over the live pods (what the cohort assumes: its connects spread evenly)
// or held by each pod (what a load balancer that does not see pod load gives). A token bucket
// was tried first: its depth moved equal jitter's attempts per reconnect by ±0.5 % at 1e6
// devices (depth 0.001 s to 0.1 s), so only the cohort's own rule makes the two comparable.
// Slow on purpose: ~3 M events/s.
import { Environment, entityMax } from "../core/environment.ts";
import { priorityUrgent } from "../core/event-queue.ts";
import { Rng } from "../../reference-impl/core/random.ts";
import { backoffWindow } from "../models/backoff.ts";
import type { RollingDeployOptions } from "../models/population.ts";

/** The cohort experiment's deploy (devices, pods, waves, restart, handshakes, policy), plus: */
export interface PerDeviceDeployOptions extends Pick<
  RollingDeployOptions,
  "devices" | "pods" | "podsPerWave" | "waves" | "restartS" | "handshakesPerPodPerS" | "policy"
> {
  /** "pooled": one bucket of rate livePods·H (the cohort's rule); "per-pod": a bucket per pod. */
  readonly admission: "pooled" | "per-pod";
  /** Admission slot (the cohort's bucketS); a fractional H·slotS is rounded at random. */
  readonly slotS: number;
  /** Peak attempt and connect rates: the most counted in a sliding window of peakWindowS, */
  readonly peakWindowS: number;
  /** slid in steps of rateBinS (the cohort's bucketS). */
  readonly rateBinS: number;
  readonly settleS: number;
  readonly horizonS: number;
  readonly seed: number;
}

export interface PerDeviceWave {
  readonly wave: number;
  readonly startS: number;
  readonly dropped: number;
  /** Time from the wave's start until 99 % (99.9 %) of its devices had reconnected. */
  readonly recovery99S: number;
  readonly recovery999S: number;
}

export interface PerDeviceDeployResult {
  readonly waves: readonly PerDeviceWave[];
  readonly attemptRatePeakPerS: number;
  readonly connectRatePeakPerS: number;
  readonly attempts: number;
  /** Successful reconnects; one registry HSET each. */
  readonly registryWrites: number;
  readonly attemptsPerReconnect: number;
  readonly connectionsPerPodMax: number;
  readonly endS: number;
  readonly events: number;
}

const noPod = 255;

export function simulateRollingDeployPerDevice(o: PerDeviceDeployOptions): PerDeviceDeployResult {
  if (o.devices > entityMax || o.pods >= noPod) {
    throw new RangeError(
      `per-device model holds at most ${entityMax} devices and ${noPod - 1} pods`,
    );
  }
  return new PerDeviceDeploy(o).run();
}

class PerDeviceDeploy {
  private readonly env = new Environment();
  private readonly pod: Uint8Array;
  private readonly nextAttemptS: Float64Array;
  private readonly attempt: Uint8Array;
  private readonly waveOf: Uint8Array;
  private readonly perPod: Float64Array;
  private readonly live: Uint8Array; // ids of the live pods, [0, liveCount)
  private liveCount: number;
  // Admission counters, one per pod or [0] when pooled: slot index, allowance, attempts taken.
  private readonly slotOf: Float64Array;
  private readonly allowance: Float64Array;
  private readonly used: Float64Array;
  private readonly attemptPeak: SlidingPeak;
  private readonly connectPeak: SlidingPeak;
  private readonly delays: Rng;
  private readonly balancer: Rng;
  private readonly rounding: Rng;
  private readonly kinds: {
    attempt: number;
    wave: number;
    podUp: number;
    end: number;
  };
  private readonly waves: {
    startS: number;
    dropped: number;
    back: number;
    r99: number;
    r999: number;
  }[] = [];
  private readonly totals = { attempts: 0, connects: 0, perPodMax: 0 };
  private endS = NaN;

  constructor(private readonly o: PerDeviceDeployOptions) {
    const n = o.devices;
    this.pod = new Uint8Array(n);
    for (let d = 0; d < n; d++) this.pod[d] = d % o.pods; // even start, as the cohorts' D/P
    this.nextAttemptS = new Float64Array(n).fill(Infinity);
    this.attempt = new Uint8Array(n);
    this.waveOf = new Uint8Array(n);
    this.perPod = new Float64Array(o.pods);
    for (let d = 0; d < n; d++) this.perPod[this.pod[d]!]!++;
    this.live = Uint8Array.from({ length: o.pods }, (_, p) => p);
    this.liveCount = o.pods;
    const buckets = o.admission === "pooled" ? 1 : o.pods;
    this.slotOf = new Float64Array(buckets).fill(-1);
    this.allowance = new Float64Array(buckets);
    this.used = new Float64Array(buckets);
    const bins = Math.max(1, Math.round(o.peakWindowS / o.rateBinS));
    this.attemptPeak = new SlidingPeak(bins, o.rateBinS);
    this.connectPeak = new SlidingPeak(bins, o.rateBinS);
    const root = new Rng(o.seed);
    this.delays = root.fork("rolling-deploy.backoff");
    this.balancer = root.fork("rolling-deploy.lb");
    this.rounding = root.fork("rolling-deploy.admission");
    this.kinds = {
      attempt: this.env.register("attempt", (d) => this.onAttempt(d)),
      wave: this.env.register("wave", (w) => this.onWave(w)),
      podUp: this.env.register("podUp", (p) => this.onPodUp(p)),
      end: this.env.register("end", () => (this.endS = this.env.now)),
    };
  }

  run(): PerDeviceDeployResult {
    const o = this.o,
      env = this.env;
    env.scheduleAt(0, this.kinds.wave, 0, priorityUrgent);
    while (Number.isNaN(this.endS) && env.queue.size > 0 && env.now < o.horizonS) {
      env.run(Math.min(o.horizonS, env.now + 1));
    }
    if (Number.isNaN(this.endS)) this.endS = Math.min(env.now, o.horizonS);
    return this.report();
  }

  private waveCount(): number {
    return this.o.waves ?? Math.ceil(this.o.pods / this.o.podsPerWave);
  }

  /** Stop the wave's pods and schedule each of their devices' first attempt. */
  private onWave(w: number): void {
    const o = this.o,
      now = this.env.now;
    const first = w * o.podsPerWave,
      last = Math.min(o.pods, first + o.podsPerWave);
    for (let p = first; p < last; p++) {
      this.removeLive(p);
      this.env.schedule(o.restartS, this.kinds.podUp, p, priorityUrgent);
      this.perPod[p] = 0;
    }
    let dropped = 0;
    for (let d = 0; d < o.devices; d++) {
      const p = this.pod[d]!;
      if (p < first || p >= last) continue;
      this.pod[d] = noPod;
      this.attempt[d] = 0;
      this.waveOf[d] = w;
      this.scheduleAttempt(d, now);
      dropped++;
    }
    this.waves.push({ startS: now, dropped, back: 0, r99: NaN, r999: NaN });
  }

  private onPodUp(p: number): void {
    this.live[this.liveCount++] = p;
  }

  private onAttempt(d: number): void {
    if (!Number.isNaN(this.endS)) return; // the run ended inside this slice of env.run
    const now = this.env.now;
    this.totals.attempts++;
    this.attemptPeak.add(now);
    const p = this.liveCount > 0 ? this.live[this.balancer.below(this.liveCount)]! : noPod;
    if (p !== noPod && this.admit(this.o.admission === "pooled" ? 0 : p)) this.connect(d, p);
    else {
      this.attempt[d] = Math.min(255, this.attempt[d]! + 1);
      this.scheduleAttempt(d, now);
    }
  }

  private connect(d: number, p: number): void {
    const now = this.env.now;
    this.pod[d] = p;
    this.nextAttemptS[d] = Infinity;
    const c = ++this.perPod[p]!;
    if (c > this.totals.perPodMax) this.totals.perPodMax = c;
    this.totals.connects++;
    this.connectPeak.add(now);
    const w = this.waves[this.waveOf[d]!]!;
    w.back++;
    if (Number.isNaN(w.r99) && w.back >= 0.99 * w.dropped) w.r99 = now - w.startS;
    if (Number.isNaN(w.r999) && w.back >= 0.999 * w.dropped) {
      w.r999 = now - w.startS;
      if (this.waveOf[d] === this.waves.length - 1) this.nextWave();
    }
  }

  private nextWave(): void {
    const next = this.waves.length;
    const at = this.env.now + this.o.settleS;
    if (next < this.waveCount() && at <= this.o.horizonS)
      this.env.scheduleAt(at, this.kinds.wave, next, priorityUrgent);
    else this.env.scheduleAt(Math.min(at, this.o.horizonS), this.kinds.end, 0, priorityUrgent);
  }

  private scheduleAttempt(d: number, now: number): void {
    const [lo, hi] = backoffWindow(this.o.policy, this.attempt[d]!);
    const at = now + lo + (hi - lo) * this.delays.uniform();
    this.nextAttemptS[d] = at;
    this.env.scheduleAt(at, this.kinds.attempt, d);
  }

  /** Counter b admits while its slot's allowance lasts; a new slot gets a fresh allowance. */
  private admit(b: number): boolean {
    const o = this.o,
      slot = Math.floor(this.env.now / o.slotS);
    if (this.slotOf[b] !== slot) {
      const pods = o.admission === "pooled" ? this.liveCount : 1;
      const capacity = pods * o.handshakesPerPodPerS * o.slotS;
      const whole = Math.floor(capacity);
      this.slotOf[b] = slot;
      this.used[b] = 0;
      this.allowance[b] = whole + (this.rounding.uniform() < capacity - whole ? 1 : 0);
    }
    if (this.used[b]! >= this.allowance[b]!) return false;
    this.used[b]!++;
    return true;
  }

  private removeLive(p: number): void {
    for (let i = 0; i < this.liveCount; i++) {
      if (this.live[i] !== p) continue;
      this.live[i] = this.live[--this.liveCount]!;
      return;
    }
  }

  private report(): PerDeviceDeployResult {
    const t = this.totals,
      w = this.o.peakWindowS;
    return {
      waves: this.waves.map((x, wave) => ({
        wave,
        startS: x.startS,
        dropped: x.dropped,
        recovery99S: x.r99,
        recovery999S: x.r999,
      })),
      attemptRatePeakPerS: this.attemptPeak.peak / w,
      connectRatePeakPerS: this.connectPeak.peak / w,
      attempts: t.attempts,
      registryWrites: t.connects,
      attemptsPerReconnect: t.connects > 0 ? t.attempts / t.connects : NaN,
      connectionsPerPodMax: t.perPodMax,
      endS: this.endS,
      events: this.env.eventCount,
    };
  }
}

/** The most events in any run of `bins` consecutive bins of binS; events come in time order. */
class SlidingPeak {
  private readonly ring: Uint32Array;
  private bin = 0;
  private sum = 0;
  peak = 0;

  constructor(
    bins: number,
    private readonly binS: number,
  ) {
    this.ring = new Uint32Array(bins);
  }

  add(t: number): void {
    const b = Math.floor(t / this.binS),
      k = this.ring.length;
    for (let i = this.bin + 1; i <= Math.min(b, this.bin + k); i++) {
      this.sum -= this.ring[i % k]!;
      this.ring[i % k] = 0;
    }
    this.bin = Math.max(this.bin, b);
    this.ring[b % k]!++;
    if (++this.sum > this.peak) this.peak = this.sum;
  }
}
