// Time is a port: services and tests take a Clock, never Date.now() directly, so that the
// GcWorker's 72 h grace can be tested in milliseconds with ManualClock.advance().

export interface Clock {
  nowMs(): number;
  sleep(ms: number): Promise<void>;
}

export class SystemClock implements Clock {
  nowMs(): number {
    return Date.now();
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}

interface Sleeper {
  readonly wakeAtMs: number;
  readonly resolve: () => void;
}

export class ManualClock implements Clock {
  private currentMs: number;
  private sleepers: Sleeper[] = [];

  constructor(startMs = 0) {
    this.currentMs = startMs;
  }
  nowMs(): number {
    return this.currentMs;
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.sleepers.push({ wakeAtMs: this.currentMs + ms, resolve });
    });
  }
  /** Moves time forward and wakes, in wake-time order, every sleeper that is due. */
  advance(ms: number): void {
    this.currentMs += ms;
    const due = this.sleepers.filter((s) => s.wakeAtMs <= this.currentMs);
    this.sleepers = this.sleepers.filter((s) => s.wakeAtMs > this.currentMs);
    due.sort((a, b) => a.wakeAtMs - b.wakeAtMs).forEach((s) => s.resolve());
  }
}
