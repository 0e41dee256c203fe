// `k6 export`: writes a k6 TypeScript script from a scenario: one arrival-rate scenario per
// operation (constant or ramping, rate = its share of the mix), a WebSocket device scenario on
// k6/websockets, and thresholds from the targets on the measured phase only, plus
// dropped_iterations == 0 because k6 drops rather than queues, and no delta upload left without
// a prepared edit. Arrival-rate executors split by k6's execution segments, so the same script
// runs on one k6 or on several (k6-operator's parallelism). The oldest k6 that has every module
// it imports is k6MinVersion: k6/websockets became stable in v1.6.0 (grafana/k6 PR #5579, merged
// 2026-01-22, in the v1.6.0 release notes); k6 runs .ts files natively since v0.57.
import { activeOperations, arrivalDurationS, type Scenario } from "../scenario.ts";
import { k6ScriptBody } from "./k6-script-body.ts";
import { operationRoutes } from "../operations/routes.ts";

/** VUs k6 pre-allocates per operation: enough for 200 ms of latency at the peak rate. */
export const k6VuLimits = {
  preAllocatedPerRatePerS: 0.2,
  maxPerRatePerS: 2,
  vusMin: 5,
  vusMax: 5_000,
};
export const k6DevicesPerVu = 100;
/** The oldest k6 release that has every module the script imports (see the header). */
export const k6MinVersion = "v1.6.0";

function vus(ratePerS: number, factor: number): number {
  return Math.min(k6VuLimits.vusMax, Math.max(k6VuLimits.vusMin, Math.ceil(ratePerS * factor)));
}

function executorFor(s: Scenario, share: number, op: string): Record<string, unknown> {
  const common = { exec: op, tags: { operation: op }, gracefulStop: "10s" };
  const a = s.arrival;
  if (a.kind === "constant-arrival-rate") {
    const rate = a.ratePerS * share;
    return {
      executor: "constant-arrival-rate",
      rate: Math.max(1, Math.round(rate)),
      timeUnit: "1s",
      duration: `${a.durationS}s`,
      preAllocatedVUs: vus(rate, k6VuLimits.preAllocatedPerRatePerS),
      maxVUs: vus(rate, k6VuLimits.maxPerRatePerS),
      ...common,
    };
  }
  const peak = Math.max(a.startRatePerS, ...a.stages.map((st) => st.targetRatePerS)) * share;
  return {
    executor: "ramping-arrival-rate",
    startRate: Math.round(a.startRatePerS * share),
    timeUnit: "1s",
    stages: a.stages.map((st) => ({
      target: Math.round(st.targetRatePerS * share),
      duration: `${st.durationS}s`,
    })),
    preAllocatedVUs: vus(peak, k6VuLimits.preAllocatedPerRatePerS),
    maxVUs: vus(peak, k6VuLimits.maxPerRatePerS),
    ...common,
  };
}

function thresholdsFor(s: Scenario): Record<string, unknown[]> {
  const t: Record<string, unknown[]> = { dropped_iterations: ["count<1"] };
  const abort = { abortOnFail: false, delayAbortEval: `${s.warmupS}s` };
  for (const [metric, target] of Object.entries(s.targets)) {
    const [subject, aggregate] = metric.split(".") as [string, string];
    const pct = { latencyMsP50: "p(50)", latencyMsP99: "p(99)", latencyMsP999: "p(99.9)" };
    if (subject === "notification") {
      const q = aggregate === "freshnessMsP50" ? "p(50)" : "p(99)";
      (t["syncbench_notification_freshness_ms{phase:measured}"] ??= []).push(`${q}<=${target.max}`);
    } else if (metric === "download.sharedMissRate") {
      // k6 sees every block fetch's X-Cache; the script does not tell shared content apart.
      const hits = Number((1 - target.max).toFixed(6));
      (t["syncbench_edge_cache_hit{phase:measured}"] ??= []).push(`rate>=${hits}`);
    } else if (subject === "run") {
      continue; // run.droppedCount is the dropped_iterations threshold above
    } else if (aggregate === "errorRate") {
      const key = `syncbench_operation_failed{operation:${subject},phase:measured}`;
      (t[key] ??= []).push(`rate<=${target.max}`);
    } else {
      const key = `syncbench_operation_ms{operation:${subject},phase:measured}`;
      const q = pct[aggregate as keyof typeof pct];
      (t[key] ??= []).push({ threshold: `${q}<=${target.max}`, ...abort });
    }
  }
  return t;
}

/**
 * k6's options; `usersCount` is the data file's population (the devices are its users' devices),
 * else the scenario's connected users.
 */
export function k6Options(s: Scenario, usersCount?: number): Record<string, unknown> {
  const scenarios: Record<string, unknown> = {};
  for (const op of activeOperations(s)) scenarios[op] = executorFor(s, s.mix[op], op);
  if (s.websocket) {
    const connected = usersCount ?? s.websocket.connectedUsersCount;
    const devices = connected * s.websocket.devicesPerUserMax;
    scenarios.devices = {
      executor: "per-vu-iterations",
      vus: Math.max(1, Math.ceil(devices / k6DevicesPerVu)),
      iterations: 1,
      maxDuration: `${arrivalDurationS(s.arrival) + 30}s`,
      exec: "devices",
    };
  }
  const thresholds = thresholdsFor(s);
  if (s.mix.deltaUpload > 0) thresholds.syncbench_edits_exhausted = ["count<1"];
  return {
    scenarios,
    thresholds,
    summaryTrendStats: ["p(50)", "p(90)", "p(99)", "p(99.9)", "max"],
  };
}

export interface K6ScriptContext {
  /** Where the request material came from, for the header. */
  readonly generatedFor: string;
  /** The data file's population; its users' devices are the WebSocket devices. */
  readonly usersCount?: number;
}

export function exportK6Script(s: Scenario, context: K6ScriptContext): string {
  const header = [
    `// k6 script generated by \`syncbench k6 export ${s.name}\` (${context.generatedFor}); ` +
      "do not edit.",
    `// Needs k6 >= ${k6MinVersion} (the oldest with every module imported here: k6/websockets ` +
      "became stable in v1.6.0).",
    "// Run beside its data file: k6 run script.ts (SYNCBENCH_GATEWAY_URL, SYNCBENCH_K6_DATA);",
    "// split over instances unchanged: k6 run --execution-segment 0:1/2 " +
      "--execution-segment-sequence 0,1/2,1 script.ts",
    "// (k6-operator sets these for a TestRun's parallelism). syncbench does not run k6.",
    "// k6 spaces arrivals uniformly (the scenario asks for " + s.arrival.spacing + "), measures",
    "// http_req_duration from the actual send, and drops iterations when no VU is free:",
    "// dropped_iterations must stay 0 for its percentiles to mean anything.",
  ];
  const constants = {
    SCENARIO: s.name,
    SEED: s.seed,
    WARMUP_MS: s.warmupS * 1000,
    RUN_MS: arrivalDurationS(s.arrival) * 1000,
    USERS: { count: s.users.count, zipfSkew: s.users.zipfSkew },
    NEW_FILE: s.newFileUpload ?? { size: { kind: "fixed", bytes: 1 }, sizeBytesMax: 1 },
    LIST: s.listFolder ? { pageSize: s.listFolder.pageSize } : null,
    WEBSOCKET: { devicesPerUserMax: s.websocket?.devicesPerUserMax ?? 0 },
    DEVICES_PER_VU: k6DevicesPerVu,
    ROUTES: operationRoutes,
  };
  return [
    ...header,
    k6ScriptBody.imports,
    `const C: Constants = ${JSON.stringify(constants, null, 2)};`,
    `export const options = ${JSON.stringify(k6Options(s, context.usersCount), null, 2)};`,
    k6ScriptBody.functions(activeOperations(s)),
  ].join("\n\n");
}
