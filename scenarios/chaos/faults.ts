// The fault lab's catalogue (issue 17): each fault names the processes of the stack it hits and
// how. A "kill" takes one member of a service pool down with SIGKILL; a "restart" crashes a
// server (SIGKILL of its main process, as a power cut would) and lets the stack's supervisor start
// it again, with `up` as the fallback when it is not healthy within the lab's bound. Pure data and
// parsing; chaos-lab.ts does the I/O.
import { SyncbenchError } from "../../reference-impl/core/errors.ts";

export interface Fault {
  readonly name: string;
  readonly kind: "kill" | "restart";
  /** The supervised program hit: a server name, or a pool member's name with its index. */
  readonly target: string;
  /** What the fault tests, one line for --help and the table. */
  readonly about: string;
}

export const faults: readonly Fault[] = [
  {
    name: "kill-chunk-service",
    kind: "kill",
    target: "chunk-service-1",
    about: "an upload process dies mid-request; the other takes over",
  },
  {
    name: "kill-download-service",
    kind: "kill",
    target: "download-service-1",
    about: "a download process dies; listings and content come from the other",
  },
  {
    name: "kill-notification-service",
    kind: "kill",
    target: "notification-service-1",
    about: "a push process dies; devices reconnect with their cursor",
  },
  {
    name: "kill-gc-worker",
    kind: "kill",
    target: "gc-worker",
    about: "the GC worker dies mid-sweep; nothing referenced is deleted",
  },
  {
    name: "restart-postgres",
    kind: "restart",
    target: "postgres",
    about: "the metadata database crashes and recovers from its WAL",
  },
  {
    name: "restart-kafka",
    kind: "restart",
    target: "kafka",
    about: "the event stream crashes; the outbox holds events until it is back",
  },
  {
    name: "restart-s3",
    kind: "restart",
    target: "s3",
    about: "the block store crashes; uploads fail until it is back",
  },
];

/** Faults in the order `--fault all` (npm run test:faults) runs them: cheapest first. */
export const faultNames = faults.map((f) => f.name);

export function faultByName(name: string): Fault {
  const fault = faults.find((f) => f.name === name);
  if (!fault) {
    throw new SyncbenchError(
      "CHAOS_FAULT_INVALID",
      `unknown fault "${name}"; known: ${faultNames.join(", ")}, or all`,
      { hint: "syncbench chaos --help" },
    );
  }
  return fault;
}

/** "all" or a comma-separated list, each known, no repeats. */
export function parseFaultList(text: string): Fault[] {
  if (text === "all") return [...faults];
  const names = text.split(",").map((n) => n.trim());
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined)
    throw new SyncbenchError("CHAOS_FAULT_INVALID", `fault "${repeated}" is named twice`);
  return names.map(faultByName);
}

/** The lab's bounds (issue 17: every run ends by itself). */
export const chaosLimits = {
  durationSMin: 10,
  durationSMax: 600,
  ratePerSMin: 0.5,
  ratePerSMax: 200,
  devicesMax: 1000,
  /** After the load's duration, how long the lab keeps the load on waiting for recovery. */
  recoveryWaitSMax: 150,
  /** When the stack is not healthy this long after the injection, the lab runs `up`. */
  upAfterS: 75,
  /** Devices whose notifications a consumer follows. */
  consumerUsersMax: 4,
} as const;

/** "60", "60s", "2m" -> seconds, within the lab's bounds. */
export function parseDurationS(text: string): number {
  const m = /^([0-9]{1,4})(s|m)?$/.exec(text.trim());
  const seconds = m ? Number(m[1]) * (m[2] === "m" ? 60 : 1) : NaN;
  if (!(seconds >= chaosLimits.durationSMin && seconds <= chaosLimits.durationSMax)) {
    throw new SyncbenchError(
      "CHAOS_DURATION_INVALID",
      `--duration must be ${chaosLimits.durationSMin}..${chaosLimits.durationSMax} seconds ` +
        `("60", "60s", "2m"), got "${text}"`,
    );
  }
  return seconds;
}

export function parseBounded(text: string, name: string, min: number, max: number): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
    throw new SyncbenchError(
      "CHAOS_OPTION_INVALID",
      `--${name} must be a number ${min}..${max}, got "${text}"`,
    );
  }
  return n;
}
