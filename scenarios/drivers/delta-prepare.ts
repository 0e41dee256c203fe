// The prepare phase of a run against the real stack, before the measured window: per prepared
// user, upload the version-1 block whole and commit it, then encode that user's chain of edits
// (delta-chains.ts). Bounded in users, edits and seconds; when the run would need more edits
// than the bounds allow it stops before the load and says what to lower, rather than
// measuring failures of its own making. Prints what it did.
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import { arrivalDurationS, arrivalPeakRatePerS, type Scenario } from "../scenario.ts";
import {
  baseBlock,
  buildChain,
  DeltaChains,
  sha256Hex,
  type DeltaChain,
  type StepFor,
} from "./delta-chains.ts";
import type { TokenFor } from "./operations.ts";
import { expectedArrivals } from "./schedule.ts";

export interface PrepareBounds {
  /** Users that get a file; each holds one upload in flight at a time. */
  readonly usersMax: number;
  /** Edits encoded in total (each ~13 ms of CPU and ~200 B of memory). */
  readonly editsMax: number;
  /** Wall-clock bound of the whole phase. */
  readonly timeS: number;
}

export const defaultPrepareBounds: PrepareBounds = { usersMax: 64, editsMax: 20_000, timeS: 180 };

export interface PrepareRequest {
  readonly baseUrl: string;
  readonly scenario: Scenario;
  readonly tokenFor: TokenFor;
  readonly runPrefix: string;
  readonly stepFor: StepFor;
  readonly bounds: PrepareBounds;
  readonly log: (line: string) => void;
}

/** The scenario's delta uploads over the whole schedule (warm-up included), plus 4 sd. */
export function deltaEditsNeeded(scenario: Scenario): number {
  const shares = Object.values(scenario.mix).reduce((a, b) => a + b, 0);
  const mean =
    expectedArrivals(scenario.arrival, 0, arrivalDurationS(scenario.arrival) * 1000) *
    (scenario.mix.deltaUpload / (shares || 1));
  return Math.ceil(mean + 4 * Math.sqrt(mean));
}

/**
 * Enough users that, at the peak rate, each is asked for an upload every 2 s on average: an
 * upload waits for the user's previous one (versions are serial), and a delta upload near
 * saturation takes ~0.3-1 s here; fewer users would fail uploads for want of a free user.
 */
export function preparedUsersCount(scenario: Scenario, bounds: PrepareBounds): number {
  const shares = Object.values(scenario.mix).reduce((a, b) => a + b, 0);
  const peak = arrivalPeakRatePerS(scenario.arrival) * (scenario.mix.deltaUpload / (shares || 1));
  const wanted = Math.max(8, Math.ceil(peak * 2));
  return Math.min(scenario.users.count, bounds.usersMax, wanted);
}

async function send(
  req: PrepareRequest,
  userId: number,
  what: { method: string; path: string; body: Uint8Array; type: string },
): Promise<void> {
  const response = await fetch(`${req.baseUrl}${what.path}`, {
    method: what.method,
    body: what.body,
    headers: { authorization: `Bearer ${req.tokenFor(userId)}`, "content-type": what.type },
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new SyncbenchError(
      "PREPARE_REQUEST_FAILED",
      `prepare: ${what.method} ${what.path} for user ${userId}: ${response.status} ` +
        text.slice(0, 200),
    );
  }
}

/** Version 1 of the user's file: the whole block, then the commit with baseVersion 0. */
async function uploadBase(req: PrepareRequest, userId: number, block: Uint8Array, path: string) {
  const hash = sha256Hex(block);
  const octets = "application/octet-stream";
  await send(req, userId, { method: "PUT", path: `/v1/blocks/${hash}`, body: block, type: octets });
  const commit = {
    uploadId: crypto.randomUUID(),
    path,
    size: block.length,
    blockHashes: [hash],
    baseVersion: 0,
  };
  const body = Buffer.from(JSON.stringify(commit));
  await send(req, userId, {
    method: "POST",
    path: "/v1/files/commit",
    body,
    type: "application/json",
  });
}

function tooLarge(needed: number, limit: string, scenario: Scenario): SyncbenchError {
  return new SyncbenchError(
    "PREPARE_BOUND_EXCEEDED",
    `${scenario.name} needs ~${needed} delta edits before its window; ${limit}`,
    { hint: "lower --rate or --duration (or --scale), or raise --prepare-edits/--prepare-s" },
  );
}

export async function prepareDeltaChains(req: PrepareRequest): Promise<DeltaChains> {
  const { scenario, bounds } = req;
  const startedMs = performance.now();
  const needed = deltaEditsNeeded(scenario);
  if (needed > bounds.editsMax) throw tooLarge(needed, `the bound is ${bounds.editsMax}`, scenario);
  const users = preparedUsersCount(scenario, bounds);
  const perUser = Math.ceil(needed / users) + 1;
  const deadlineMs = startedMs + bounds.timeS * 1000;
  const chains: DeltaChain[] = [];
  for (let userId = 1; userId <= users; userId++) {
    const block = baseBlock(scenario.seed, userId);
    const path = `${req.runPrefix}/docs/user-${userId}.bin`;
    await uploadBase(req, userId, block, path);
    chains.push(buildChain({ scenario, userId, path, block, length: perUser, deadlineMs }));
    if (performance.now() >= deadlineMs) break;
  }
  const edits = chains.reduce((sum, c) => sum + c.edits.length, 0);
  const deltaBytes = chains.flatMap((c) => c.edits.map((e) => e.delta.length));
  const seconds = ((performance.now() - startedMs) / 1000).toFixed(1);
  if (edits < needed) {
    throw tooLarge(needed, `${edits} were encoded within --prepare-s ${bounds.timeS}`, scenario);
  }
  const mean = deltaBytes.reduce((a, b) => a + b, 0) / Math.max(1, deltaBytes.length);
  req.log(
    `prepare: ${chains.length} users each uploaded a 4 MiB block whole and committed ` +
      `version 1; ${edits} edits encoded (${perUser} per user, needed ~${needed}), ` +
      `mean delta ${mean.toFixed(0)} B; ${seconds} s`,
  );
  return new DeltaChains(chains, req.stepFor);
}
