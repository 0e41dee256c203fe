// The simulation environment: the clock, the event queue and the dispatch loop. An event is a
// 32-bit payload (entity << 5 | kind); `kind` indexes a handler registered once by a model, so
// the hot loop is one pop and one indexed call, with no closure or object per event.
// Runaway runs end with SIM_EVENTS_MAX / SIM_TIME_MAX errors (STYLE.md section 6).
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import { EventQueue, priorityNormal } from "./event-queue.ts";

export type Handler = (entity: number) => void;

const kindBits = 5;
const kindMask = (1 << kindBits) - 1;
/** Largest entity id an event can carry (2^26 - 1 = 67M): per-device state uses cohorts. */
export const entityMax = (1 << (31 - kindBits)) - 1;

export interface EnvironmentLimits {
  /** Events processed before the run is stopped as a runaway. */
  readonly eventsMax: number;
  /** Simulated seconds after which scheduling is refused. */
  readonly simTimeSMax: number;
}

export const defaultLimits: EnvironmentLimits = { eventsMax: 5e9, simTimeSMax: 400 * 24 * 3600 };

export class Environment {
  now = 0;
  eventCount = 0;
  readonly queue = new EventQueue();
  private readonly handlers: Handler[] = [];
  private readonly handlerNames: string[] = [];

  constructor(readonly limits: EnvironmentLimits = defaultLimits) {}

  /** Register a handler; returns the event kind to pass to schedule(). At most 32 kinds. */
  register(name: string, handler: Handler): number {
    if (this.handlers.length > kindMask) {
      throw new SyncbenchError(
        "SIM_TOO_MANY_KINDS",
        `event kind "${name}" exceeds ${kindMask + 1} kinds`,
      );
    }
    this.handlers.push(handler);
    this.handlerNames.push(name);
    return this.handlers.length - 1;
  }

  /** Schedule event `kind` for `entity` after `delayS` simulated seconds. */
  schedule(delayS: number, kind: number, entity: number, priority = priorityNormal): void {
    const time = this.now + delayS;
    if (!(delayS >= 0) || time > this.limits.simTimeSMax) this.rejectTime(delayS, time);
    this.queue.push(time, (entity << kindBits) | kind, priority);
  }

  /** Schedule at an absolute time (≥ now). */
  scheduleAt(time: number, kind: number, entity: number, priority = priorityNormal): void {
    this.schedule(time - this.now, kind, entity, priority);
  }

  /** Process events until the queue is empty or the next event is later than untilS. */
  run(untilS = Infinity): void {
    const queue = this.queue,
      handlers = this.handlers,
      eventsMax = this.limits.eventsMax;
    let events = this.eventCount;
    while (queue.size > 0 && queue.peekTime() <= untilS) {
      const payload = queue.pop();
      this.now = queue.lastTime;
      handlers[payload & kindMask]!(payload >>> kindBits);
      if (++events > eventsMax) this.rejectEvents(events);
    }
    this.eventCount = events;
    if (untilS !== Infinity && this.now < untilS) this.now = untilS;
  }

  private rejectTime(delayS: number, time: number): never {
    if (!(delayS >= 0)) {
      throw new SyncbenchError(
        "SIM_NEGATIVE_DELAY",
        `event scheduled with delay ${delayS} s at t=${this.now}`,
      );
    }
    throw new SyncbenchError(
      "SIM_TIME_MAX",
      `event at t=${time} s is beyond simTimeSMax=${this.limits.simTimeSMax} s; the run was stopped`,
      { hint: "raise simTimeSMax or shorten the experiment" },
    );
  }

  private rejectEvents(events: number): never {
    throw new SyncbenchError(
      "SIM_EVENTS_MAX",
      `run processed ${events} events, more than eventsMax=${this.limits.eventsMax}; stopped at t=${this.now} s`,
      { hint: "raise eventsMax or shorten the experiment" },
    );
  }
}
