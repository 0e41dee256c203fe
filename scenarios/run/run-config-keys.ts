// The options of `syncbench run`, one table: each key's name in a config file (dotted for
// nested objects), its CLI flag, its SYNCBENCH_RUN_* variable, its kind, default and limits.
// run-config.ts layers them (defaults, file, environment, flags); the parsers here turn one
// raw value (JSON from a file, a string from the environment or a flag) into a typed value or
// a problem that names the value and the limit.
import { defaultPrepareBounds } from "../delta-upload/delta-prepare.ts";

export type Kind = "string" | "boolean" | "positive" | "integer" | "seconds";

export interface KeySpec {
  /** Name in a config file; "prepare.usersMax" is { "prepare": { "usersMax": … } }. */
  readonly path: string;
  /** Long flag without dashes; a "no-" flag ("no-websocket") sets its boolean to false. */
  readonly flag?: string;
  readonly env?: string;
  readonly kind: Kind;
  readonly default?: string | number | boolean;
  /** Inclusive bounds of numbers (integers: also whole). */
  readonly min?: number;
  readonly max?: number;
  /** The run's scenario is shaped by it; a rerun takes it from the recorded scenario. */
  readonly shapesScenario?: boolean;
}

const d = defaultPrepareBounds;

export const runKeys: readonly KeySpec[] = [
  {
    path: "scenario",
    env: "SYNCBENCH_RUN_SCENARIO",
    kind: "string",
    shapesScenario: true,
  },
  {
    path: "target",
    flag: "target",
    env: "SYNCBENCH_GATEWAY_URL",
    kind: "string",
  },
  {
    path: "ratePerS",
    flag: "rate",
    env: "SYNCBENCH_RUN_RATE_PER_S",
    kind: "positive",
    shapesScenario: true,
  },
  {
    path: "scale",
    flag: "scale",
    env: "SYNCBENCH_RUN_SCALE",
    kind: "positive",
    shapesScenario: true,
  },
  {
    path: "durationS",
    flag: "duration",
    env: "SYNCBENCH_RUN_DURATION_S",
    kind: "seconds",
    shapesScenario: true,
  },
  {
    path: "warmupS",
    flag: "warmup",
    env: "SYNCBENCH_RUN_WARMUP_S",
    kind: "seconds",
    min: 0,
    shapesScenario: true,
  },
  {
    path: "seed",
    flag: "seed",
    env: "SYNCBENCH_RUN_SEED",
    kind: "integer",
    min: 0,
    max: 4_294_967_295,
    shapesScenario: true,
  },
  { path: "out", flag: "out", env: "SYNCBENCH_RUN_OUT", kind: "string" },
  {
    path: "websocket",
    flag: "no-websocket",
    env: "SYNCBENCH_RUN_WEBSOCKET",
    kind: "boolean",
    default: true,
  },
  {
    path: "startStack",
    flag: "no-up",
    env: "SYNCBENCH_RUN_START_STACK",
    kind: "boolean",
    default: true,
  },
  {
    path: "findKnee",
    flag: "find-knee",
    env: "SYNCBENCH_RUN_FIND_KNEE",
    kind: "boolean",
    default: false,
  },
  {
    path: "kneeStartRatePerS",
    flag: "knee-start",
    env: "SYNCBENCH_RUN_KNEE_START_RATE_PER_S",
    kind: "positive",
  },
  {
    path: "measuredOps",
    flag: "measured-ops",
    env: "SYNCBENCH_RUN_MEASURED_OPS",
    kind: "string",
  },
  {
    path: "prepare.usersMax",
    flag: "prepare-users",
    env: "SYNCBENCH_RUN_PREPARE_USERS_MAX",
    kind: "integer",
    default: d.usersMax,
    min: 1,
    max: 4096,
  },
  {
    path: "prepare.filesPerUserMax",
    flag: "prepare-files",
    env: "SYNCBENCH_RUN_PREPARE_FILES_PER_USER_MAX",
    kind: "integer",
    default: d.filesPerUserMax,
    min: 1,
    max: 64,
  },
  {
    path: "prepare.editsMax",
    flag: "prepare-edits",
    env: "SYNCBENCH_RUN_PREPARE_EDITS_MAX",
    kind: "integer",
    default: d.editsMax,
    min: 1,
    max: 1_000_000,
  },
  {
    path: "prepare.timeS",
    flag: "prepare-s",
    env: "SYNCBENCH_RUN_PREPARE_TIME_S",
    kind: "seconds",
    default: d.timeS,
    max: 3600,
  },
];

export type Parsed =
  { ok: true; value: string | number | boolean } | { ok: false; problem: string };

const show = (raw: unknown) => JSON.stringify(raw);

/** "20", 20, "20s" and "2m" are seconds; the file form may be a number or such a string. */
function seconds(raw: unknown): number | undefined {
  if (typeof raw === "number") return raw;
  if (typeof raw !== "string") return undefined;
  const m = /^(\d+(?:\.\d+)?)(s|m)?$/.exec(raw.trim());
  if (!m) return undefined;
  return Number(m[1]) * (m[2] === "m" ? 60 : 1);
}

function numberOf(spec: KeySpec, raw: unknown): number | undefined {
  if (spec.kind === "seconds") return seconds(raw);
  if (typeof raw === "number") return raw;
  if (typeof raw === "string" && raw.trim() !== "" && Number.isFinite(Number(raw))) {
    return Number(raw);
  }
  return undefined;
}

function checkNumber(spec: KeySpec, raw: unknown): Parsed {
  const what = spec.kind === "seconds" ? 'a duration in seconds (20, "20s", "2m")' : "a number";
  const n = numberOf(spec, raw);
  if (n === undefined || !Number.isFinite(n))
    return { ok: false, problem: `must be ${what}, got ${show(raw)}` };
  if (spec.kind === "integer" && !Number.isInteger(n)) {
    return { ok: false, problem: `must be a whole number, got ${show(raw)}` };
  }
  const min = spec.min;
  if (min === undefined ? !(n > 0) : n < min) {
    return {
      ok: false,
      problem: `must be ${min === undefined ? "> 0" : `>= ${min}`}, got ${show(raw)}`,
    };
  }
  if (spec.max !== undefined && n > spec.max) {
    return {
      ok: false,
      problem: `must be at most ${spec.max}, got ${show(raw)}`,
    };
  }
  return { ok: true, value: n };
}

const truths = new Map<unknown, boolean>([
  [true, true],
  [false, false],
  ["true", true],
  ["false", false],
  ["1", true],
  ["0", false],
]);

export function parseValue(spec: KeySpec, raw: unknown): Parsed {
  if (spec.kind === "string") {
    return typeof raw === "string" && raw.length > 0
      ? { ok: true, value: raw }
      : { ok: false, problem: `must be a non-empty string, got ${show(raw)}` };
  }
  if (spec.kind === "boolean") {
    const value = truths.get(raw);
    return value === undefined
      ? {
          ok: false,
          problem: `must be true or false (or 1/0), got ${show(raw)}`,
        }
      : { ok: true, value };
  }
  return checkNumber(spec, raw);
}
