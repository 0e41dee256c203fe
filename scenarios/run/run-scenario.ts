// One scenario run: probe which operations the stack serves, drive the available part of the
// mix with the open-model HTTP driver and, at the same time, the WebSocket devices, then build
// the results object. Operations the stack lacks are reported, never measured.
import { setTimeout as sleep } from "node:timers/promises";
import { probeOperations } from "../operations/availability.ts";
import {
  runOpenModel,
  type DriverLimits,
  type OpenModelOutcome,
  type ProgressPoint,
} from "../open-model/http-open-model.ts";
import type { DeltaChains } from "../delta-upload/delta-chains.ts";
import { prepareDeltaChains, type PrepareBounds } from "../delta-upload/delta-prepare.ts";
import { OperationPlanner, stepsWith, type TokenFor } from "../operations/operations.ts";
import { DownloadDraws } from "../download/download-files.ts";
import { defaultDownloadPrepareBounds, prepareDownloads } from "../download/download-prepare.ts";
import type { ConnectedFleet } from "../websocket/ws-devices.ts";
import { buildResults } from "../measure/results-build.ts";
import { serverPartsBetween, snapshotServerParts } from "../measure/server-parts.ts";
import type { Results, ServerPartsResult, WebsocketResult } from "../../formats/results.schema.ts";
import { activeOperations, type HttpOperationName, type Scenario } from "../scenario.ts";
import { narrowToAvailable } from "./effective.ts";

export interface RunRequest {
  readonly scenario: Scenario;
  readonly baseUrl: string;
  readonly targetLabel: string;
  readonly limits: DriverLimits;
  readonly overrides: Readonly<Record<string, string | number>>;
  readonly version: string;
  /** Connects the WebSocket devices before the HTTP load starts; absent: no devices run. */
  readonly connectDevices?: (
    scenario: Scenario,
  ) => Promise<ConnectedFleet | { unavailable: string }>;
  readonly onProgress?: (point: ProgressPoint) => void;
  /** Signs each user's bearer token; absent for targets without authentication (builtin). */
  readonly tokenFor?: TokenFor;
  /**
   * Real stack: before the load, give prepared users a committed version 1 and encode their
   * edits, so delta uploads name bases they own, and commit the files downloads and listings read
   * (download-prepare.ts, bounded by its defaults and this timeS). Absent: deltas against made-up
   * bases, downloads and listings of made-up paths (builtin).
   */
  readonly prepareDeltas?: PrepareBounds;
  readonly log: (line: string) => void;
  /**
   * Base URLs of processes serving GET /internal/timings (the stack's ChunkServices): snapshot at
   * the end of warm-up and at the end, written as results.serverParts. Absent or empty: null.
   */
  readonly timingSources?: readonly string[];
  /** Called once the prepare phase and the devices are done, just before the HTTP load starts. */
  readonly onLoadStart?: () => void;
}

/** The prepare phase (real stack with delta uploads only); before devices connect. */
async function prepare(
  req: RunRequest,
  scenario: Scenario,
  ops: readonly HttpOperationName[],
  runPrefix: string,
): Promise<DeltaChains | undefined> {
  if (!req.prepareDeltas || !req.tokenFor || !ops.includes("deltaUpload")) return undefined;
  return prepareDeltaChains({
    baseUrl: req.baseUrl,
    scenario,
    tokenFor: req.tokenFor,
    runPrefix,
    stepFor: stepsWith(req.tokenFor),
    bounds: req.prepareDeltas,
    log: req.log,
  });
}

/** The files downloads and listings read (real stack with either operation only). */
async function prepareReads(
  req: RunRequest,
  scenario: Scenario,
  ops: readonly HttpOperationName[],
  runPrefix: string,
): Promise<DownloadDraws | undefined> {
  if (!req.prepareDeltas || !req.tokenFor) return undefined;
  if (!ops.includes("download") && !ops.includes("listFolder")) return undefined;
  const layout = await prepareDownloads({
    baseUrl: req.baseUrl,
    scenario,
    tokenFor: req.tokenFor,
    runPrefix,
    bounds: { ...defaultDownloadPrepareBounds, timeS: req.prepareDeltas.timeS },
    log: req.log,
  });
  return new DownloadDraws(scenario, layout);
}

async function driveHttp(
  req: RunRequest,
  scenario: Scenario,
  ops: readonly HttpOperationName[],
  run: { runPrefix: string; deltas: DeltaChains | undefined; reads: DownloadDraws | undefined },
) {
  if (ops.length === 0) return undefined;
  const { runPrefix, deltas, reads } = run;
  const planner = new OperationPlanner(scenario, req.tokenFor, runPrefix, deltas, reads);
  const outcome = await runOpenModel({
    baseUrl: req.baseUrl,
    arrival: scenario.arrival,
    poisson: scenario.arrival.spacing === "poisson",
    seed: scenario.seed,
    warmupMs: scenario.warmupS * 1000,
    operations: ops,
    nextPlan: () => planner.next(),
    limits: req.limits,
    ...(req.onProgress ? { onProgress: req.onProgress } : {}),
  });
  deltas?.close(); // backoffs still running end with the run
  if (deltas) {
    req.log(
      `delta uploads: ${deltas.queuedCount} waited behind an upload of the same file, ` +
        `${deltas.transientFailureCount} failed on a transient error and went again after a backoff, ` +
        `${deltas.queueFullCount} refused (the file's queue was full), ${deltas.redirectedCount} ` +
        `went to another of the user's files (drawn one out of edits), ${deltas.exhaustedCount} ` +
        `found no prepared edit left, ${deltas.retiredCount} files retired after a failed upload, ` +
        `${deltas.editsLeft} prepared edits unused`,
    );
  }
  return outcome;
}

export async function runScenario(req: RunRequest): Promise<Results> {
  const startedAt = new Date();
  const wanted = activeOperations(req.scenario);
  const availability = await probeOperations(req.baseUrl, wanted, req.tokenFor);
  const unavailable = new Map<HttpOperationName, string>();
  for (const [op, a] of availability) {
    if (!a.available) {
      unavailable.set(op, `not available in this stack: ${a.reason}`);
      req.log(`${op}: not available in this stack (${a.reason})`);
    }
  }
  const measured = wanted.filter((op) => !unavailable.has(op));
  const narrowed = narrowToAvailable(req.scenario, measured);
  const runPrefix = `/syncbench/${req.scenario.name}-${Date.now().toString(36)}`;
  const deltas = await prepare(req, narrowed, measured, runPrefix);
  const reads = await prepareReads(req, narrowed, measured, runPrefix);
  const devices =
    req.scenario.websocket && req.connectDevices
      ? await req.connectDevices(req.scenario)
      : undefined;
  const websocketUnavailable = devices && "unavailable" in devices ? devices.unavailable : null;
  if (websocketUnavailable)
    req.log(`websocket devices: not available in this stack (${websocketUnavailable})`);
  const fleet = devices && !("unavailable" in devices) ? devices : undefined;
  if (fleet) req.log("websocket devices connected; starting the load");
  let outcome: OpenModelOutcome | undefined;
  let websocket: WebsocketResult | null = null;
  let serverParts: ServerPartsResult | null = null;
  const sources = req.timingSources ?? [];
  req.onLoadStart?.();
  try {
    // The services' own timings over the measured window: a snapshot when warm-up ends, one at the
    // end. With no warm-up the first is taken before the load starts, so the window holds every
    // upload of the run exactly (what run.int.test.ts counts).
    const atWindowStart =
      sources.length === 0
        ? undefined
        : req.scenario.warmupS === 0
          ? Promise.resolve(await snapshotServerParts(sources))
          : sleep(req.scenario.warmupS * 1000).then(() => snapshotServerParts(sources));
    // Sockets close only after the HTTP load has ended, so 50K closes never land in its window.
    const [httpOutcome, tally] = await Promise.all([
      driveHttp(req, narrowed, measured, { runPrefix, deltas, reads }),
      fleet ? fleet.publish() : null,
    ]);
    outcome = httpOutcome;
    if (atWindowStart) {
      serverParts = serverPartsBetween(await atWindowStart, await snapshotServerParts(sources));
      serverParts.excluded.forEach((why) => req.log(`server timings: left out ${why}`));
    }
    if (fleet && tally) websocket = await fleet.collect(tally);
  } finally {
    fleet?.close();
  }
  const results = buildResults(
    {
      scenario: req.scenario,
      targetLabel: req.targetLabel,
      startedAt,
      outcome,
      unavailable,
      measuredOperations: measured,
      websocket,
      websocketUnavailable,
      driverLimits: { ...req.limits },
      overrides: req.overrides,
    },
    req.version,
  );
  return { ...results, serverParts };
}
