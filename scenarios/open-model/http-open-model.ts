// The open-model HTTP driver (wrk2's model, load-generation.md section 5): every request has an
// intended send time from the arrival schedule; everything due is sent from the timer tick or,
// sooner, from the completion of a response, each request stamped with its own intended time;
// latency runs from the intended time (so a stalled server cannot hide its stall, no
// coordinated omission), service time from the actual send, and the gap between the two is
// the send lag. Requests go over the driver's own HTTP/1.1 pool (http1-pool.ts). Bounded:
// in-flight cap (drops are counted, as k6's dropped_iterations), request timeouts, a drain
// deadline; the run ends by itself when the schedule does.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { RunStats, type RunSoFar, type TimelinePoint } from "../measure/op-stats.ts";
import { recordMs } from "../../formats/hdr-histogram.ts";
import type { Arrival } from "../scenario.ts";
import { arrivalDurationS } from "../scenario.ts";
import { Exchange, type ExchangeDone } from "../http1/http-exchange.ts";
import { Http1Pool } from "../http1/http1-pool.ts";
import { SendWaker } from "./send-waker.ts";
import { Random } from "../operations/random.ts";
import type { OperationPlan } from "../operations/routes.ts";
import { ArrivalSchedule, expectedArrivals } from "./schedule.ts";

export interface DriverLimits {
  /** Keep-alive connections to the target origin (http1-pool.ts). */
  readonly connectionsMax: number;
  /** Requests in flight (sent, not finished) beyond which a due request is dropped. */
  readonly inFlightMax: number;
  /** A send later than this after its intended time counts as late. */
  readonly lateThresholdMs: number;
  /** After the schedule ends, how long in-flight requests may still finish. */
  readonly drainTimeoutMs: number;
  /** Connect, headers and body timeouts of each request. */
  readonly requestTimeoutMs: number;
}

export const defaultDriverLimits: DriverLimits = {
  connectionsMax: 128,
  inFlightMax: 20_000,
  lateThresholdMs: 10,
  drainTimeoutMs: 15_000,
  requestTimeoutMs: 30_000,
};

export interface ProgressPoint extends TimelinePoint, RunSoFar {
  askedPerS: number;
  inFlight: number;
  /** The arrival schedule's length (warm-up included): time left is totalS - tS. */
  totalS: number;
}

export interface OpenModelOptions {
  readonly baseUrl: string;
  readonly arrival: Arrival;
  readonly poisson: boolean;
  readonly seed: number;
  readonly warmupMs: number;
  readonly operations: readonly string[];
  readonly nextPlan: () => OperationPlan;
  readonly limits: DriverLimits;
  /** Overrides wakeSlackMs: a number runs the waker thread with that slack; false, the timer. */
  readonly wakeSlackMs?: number | false;
  readonly onProgress?: (point: ProgressPoint) => void;
}

export interface OpenModelOutcome {
  readonly stats: RunStats;
  readonly measuredWindowMs: number;
  readonly askedRatePerS: number;
  readonly sentRatePerS: number;
  readonly achievedRatePerS: number;
  readonly unfinishedCount: number;
  readonly generatorCpuCores: number;
  readonly wallMs: number;
  /** The send waker's own wake-ups and the times it woke the event loop (send-waker.ts). */
  readonly waker?: { workerWakeCount: number; postCount: number };
  /**
   * How late the generator's event loop ran its timers over the run (perf_hooks'
   * monitorEventLoopDelay, sampled every eventLoopResolutionMs): with its CPU, it tells a
   * generator busy with its own work from one that other processes kept off the CPU.
   */
  readonly eventLoopDelayMs?: { readonly p50: number; readonly p99: number; readonly max: number };
}

/** Sampling period of the event-loop delay histogram, ms (Node's default is 10). */
export const eventLoopResolutionMs = 10;

interface Runner {
  readonly t0: number;
  readonly pool: Http1Pool;
  readonly stats: RunStats;
  readonly o: OpenModelOptions;
  readonly schedule: ArrivalSchedule;
  /** The next intended send offset, ms from t0; undefined once the schedule has ended. */
  nextMs: number | undefined;
  /** True while due sends are being fired, so that a completion does not re-enter. */
  draining: boolean;
  readonly done: ExchangeDone;
  waker?: SendWaker;
  /** The pending timer tick, if any, and its callback (one per run, not one per tick). */
  timer?: NodeJS.Timeout;
  readonly onTimer: () => void;
  onScheduleEnd?: () => void;
  /** Set once the run has ended: requests still finishing are counted as unfinished only. */
  closed: boolean;
  onIdle?: () => void;
}

function complete(r: Runner, ex: Exchange, code: string | undefined): void {
  ex.plan.settle?.(code === undefined ? "ok" : "failed", code);
  if (r.closed) return;
  const endAt = performance.now();
  const s = r.stats.op(ex.plan.operation);
  const latencyMs = endAt - (r.t0 + ex.intendedMs);
  const ok = code === undefined;
  // A plan that failed at once (failWith) sent nothing: the driver's failure, not the stack's.
  const driverFailure = !ok && ex.plan.failWith === code;
  r.stats.inFlight--;
  if (!driverFailure) r.stats.noteOutcome(ok, latencyMs);
  if (ex.intendedMs >= r.o.warmupMs) {
    if (ok) {
      s.okCount++;
      recordMs(s.latency, latencyMs);
      recordMs(s.serviceTime, endAt - ex.sentAt);
    } else if (driverFailure) s.recordDriverError(code);
    else s.recordError(code);
  }
  if (r.stats.inFlight === 0) r.onIdle?.();
  // Sends that fell due while responses were being read go now, not at the next timer tick:
  // the timer's 1 ms granularity would otherwise be the send lag (load-generation.md 2.1).
  if (!r.draining && r.nextMs !== undefined && endAt - r.t0 >= r.nextMs) fireDue(r);
}

function fire(r: Runner, intendedMs: number): void {
  const plan = r.o.nextPlan();
  const s = r.stats.op(plan.operation);
  const measured = intendedMs >= r.o.warmupMs;
  if (measured) s.scheduledCount++;
  if (r.stats.inFlight >= r.o.limits.inFlightMax) {
    if (measured) s.droppedCount++;
    r.stats.noteDropped();
    plan.settle?.("unsent");
    return;
  }
  const sentAt = performance.now();
  const lagMs = sentAt - (r.t0 + intendedMs);
  if (measured) {
    recordMs(r.stats.sendLag, lagMs);
    if (lagMs > r.o.limits.lateThresholdMs) r.stats.lateCount++;
    s.sentCount++;
  } else s.warmupCount++;
  r.stats.noteSent();
  r.stats.inFlight++;
  if (r.stats.inFlight > r.stats.inFlightPeak) r.stats.inFlightPeak = r.stats.inFlight;
  if (plan.deferUntil) {
    // The generator was on time (send lag above); the operation's own queue decides when it goes.
    plan.deferUntil(() =>
      new Exchange(r.pool, plan, intendedMs, performance.now(), r.done).start(),
    );
    return;
  }
  new Exchange(r.pool, plan, intendedMs, sentAt, r.done).start();
}

/** Fires every send whose intended time has come, each stamped with its own intended time. */
function fireDue(r: Runner): void {
  r.draining = true;
  let next = r.nextMs;
  let elapsedMs = performance.now() - r.t0;
  while (next !== undefined && next <= elapsedMs) {
    fire(r, next);
    next = r.schedule.next();
    if (next !== undefined && next > elapsedMs) elapsedMs = performance.now() - r.t0;
  }
  r.nextMs = next;
  r.draining = false;
  if (next === undefined) {
    r.waker?.set(undefined);
    r.onScheduleEnd?.();
    return;
  }
  r.waker?.set(r.t0 + next);
  armTimer(r, next - elapsedMs);
}

/**
 * Sends go from the loop's 1 ms timer and, sooner, whenever a response completes; a send due
 * while the loop sleeps is up to ~1 ms late (send-lag p99 ~1.1 ms at 20K req/s on an idle
 * machine). `wakeSlackMs` (off by default) adds the waker thread (send-waker.ts), which wakes the
 * loop once a send is that late: measured at 20K req/s against the bench's trivial server, it
 * took send-lag p90 from 0.9 to 0.4 ms and p99 down by ~1 ms on a busy machine, for 15-25% more
 * generator CPU (the thread's own wake-ups and one message per late send). Polling the loop
 * with setImmediate instead cost 50% more CPU, or a whole core when done at every wait.
 */
export const wakeSlackMs: number | false = false;

/**
 * The timer covers waits of 1 ms and more (a sleeping loop costs nothing); shorter ones are the
 * waker's, if it runs: a 1 ms timer per wait would add a wake-up of the loop per millisecond.
 */
function armTimer(r: Runner, waitMs: number): void {
  if (r.timer !== undefined || (r.waker !== undefined && waitMs < 1)) return;
  r.timer = setTimeout(r.onTimer, Math.max(0, Math.floor(waitMs)));
}

function sendAll(r: Runner): Promise<void> {
  r.nextMs = r.schedule.next();
  return new Promise((resolve) => {
    r.onScheduleEnd = resolve;
    fireDue(r);
  });
}

function drain(r: Runner): Promise<void> {
  if (r.stats.inFlight === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, r.o.limits.drainTimeoutMs);
    r.onIdle = () => {
      clearTimeout(timer);
      resolve();
    };
  });
}

function startProgress(r: Runner): NodeJS.Timeout {
  let second = 0;
  return setInterval(() => {
    second++;
    const point = r.stats.closeInterval(second);
    const askedPerS = expectedArrivals(r.o.arrival, (second - 1) * 1000, second * 1000);
    r.o.onProgress?.({
      ...point,
      ...r.stats.soFar(),
      askedPerS,
      inFlight: r.stats.inFlight,
      totalS: arrivalDurationS(r.o.arrival),
    });
  }, 1000);
}

export async function runOpenModel(o: OpenModelOptions): Promise<OpenModelOutcome> {
  const timeoutMs = o.limits.requestTimeoutMs;
  const pool = new Http1Pool(o.baseUrl, {
    connectionsMax: o.limits.connectionsMax,
    queueMax: o.limits.inFlightMax,
    connectTimeoutMs: timeoutMs,
    headersTimeoutMs: timeoutMs,
    bodyTimeoutMs: timeoutMs,
  });
  const runner: Runner = {
    t0: performance.now(),
    pool,
    stats: new RunStats(o.operations),
    o,
    schedule: new ArrivalSchedule(o.arrival, new Random(o.seed, "arrivals"), o.poisson),
    nextMs: undefined,
    draining: false,
    done: (ex, code) => complete(runner, ex, code),
    onTimer: () => {
      runner.timer = undefined;
      if (!runner.draining) fireDue(runner);
    },
    closed: false,
  };
  const cpuStart = process.cpuUsage();
  const loopDelay = monitorEventLoopDelay({ resolution: eventLoopResolutionMs });
  loopDelay.enable();
  const progress = startProgress(runner);
  const slackMs = o.wakeSlackMs ?? wakeSlackMs;
  if (slackMs !== false) {
    runner.waker = new SendWaker(() => {
      if (!runner.draining) fireDue(runner);
    }, slackMs);
  }
  try {
    await sendAll(runner);
  } finally {
    clearTimeout(runner.timer);
    await runner.waker?.close();
  }
  const waker = runner.waker?.counts ?? { workerWakeCount: 0, postCount: 0 };
  await drain(runner);
  loopDelay.disable();
  clearInterval(progress);
  const wallMs = performance.now() - runner.t0;
  const unfinishedCount = runner.stats.inFlight;
  runner.closed = true;
  pool.destroy();
  const cpu = process.cpuUsage(cpuStart);
  const endMs = arrivalDurationS(o.arrival) * 1000;
  const measuredWindowMs = Math.max(1, endMs - o.warmupMs);
  const totals = runner.stats.totals();
  return {
    stats: runner.stats,
    measuredWindowMs,
    askedRatePerS: (expectedArrivals(o.arrival, o.warmupMs, endMs) / measuredWindowMs) * 1000,
    sentRatePerS: (totals.sentCount / measuredWindowMs) * 1000,
    achievedRatePerS: (totals.okCount / measuredWindowMs) * 1000,
    unfinishedCount,
    generatorCpuCores: (cpu.user + cpu.system) / 1000 / wallMs,
    wallMs,
    waker,
    eventLoopDelayMs: loopDelayMs(loopDelay),
  };
}

/**
 * The histogram's nanoseconds as ms of delay (3 decimals); zeros when it took no sample. Node
 * records the whole interval between two samples, so the resolution itself is taken off.
 */
function loopDelayMs(h: ReturnType<typeof monitorEventLoopDelay>) {
  const ms = (ns: number) =>
    h.count === 0 ? 0 : Math.max(0, Math.round(ns / 1000 - eventLoopResolutionMs * 1000) / 1000);
  return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) };
}
