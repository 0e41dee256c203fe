// The prepare phase of a run against the real stack, before the measured window: replay the
// run's seeded (user, file) draws (delta-targets.ts) to know how many edits each file gets,
// then per drawn user upload the version-1 block whole once, commit it as version 1 of each of
// its drawn files, and encode each file's chain of edits (delta-chains.ts). Bounded in users,
// files per user, edits and seconds; when the run would need more than the bounds allow it
// stops before the load and says what to lower, rather than measuring failures of its own
// making. Prints what it did.
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
import {
  chainLengthFor,
  DeltaTargets,
  drawnCounts,
  filesPerUserFor,
  type DeltaPopulation,
} from "./delta-targets.ts";
import type { TokenFor } from "../operations/operations.ts";
import { expectedArrivals } from "../open-model/schedule.ts";

export interface PrepareBounds {
  /** The Zipf population of delta uploads: the scenario's first N users (popularity ranks). */
  readonly usersMax: number;
  /** Files per user; each file holds one upload in flight at a time. */
  readonly filesPerUserMax: number;
  /** Edits encoded in total (each ~13 ms of CPU and ~200 B of memory). */
  readonly editsMax: number;
  /** Wall-clock bound of the whole phase. */
  readonly timeS: number;
}

export const defaultPrepareBounds: PrepareBounds = {
  usersMax: 64,
  filesPerUserMax: 8,
  editsMax: 20_000,
  timeS: 180,
};

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

function deltaPeakRatePerS(scenario: Scenario): number {
  const shares = Object.values(scenario.mix).reduce((a, b) => a + b, 0);
  return arrivalPeakRatePerS(scenario.arrival) * (scenario.mix.deltaUpload / (shares || 1));
}

export interface PreparePlan {
  readonly population: DeltaPopulation;
  readonly needed: number;
  /** Edits to encode per (user rank, file rank); 0: the file is not prepared. */
  readonly lengths: number[][];
  readonly editsCount: number;
}

/**
 * The Zipf population is the scenario's first min(users.count, usersMax) users: the head keeps
 * its shape (rank r is edited (r+1)^skew times less often than rank 0), the tail beyond the
 * bound is cut, so the head's share is higher than in the full population. Files per user
 * follow from the hottest user's share of the draws at the peak rate.
 */
export function planPrepare(scenario: Scenario, bounds: PrepareBounds): PreparePlan {
  const needed = deltaEditsNeeded(scenario);
  const base = {
    usersCount: Math.min(scenario.users.count, bounds.usersMax),
    zipfSkew: scenario.users.zipfSkew,
    seed: scenario.seed,
  };
  const perUser = drawnCounts({ ...base, filesPerUserCount: 1 }, needed).map((c) => c[0]!);
  const hotShare = Math.max(0, ...perUser) / Math.max(1, needed);
  const files = filesPerUserFor(deltaPeakRatePerS(scenario) * hotShare, bounds.filesPerUserMax);
  const population = { ...base, filesPerUserCount: files };
  const lengths = drawnCounts(population, needed).map((row) => row.map(chainLengthFor));
  const editsCount = lengths.flat().reduce((a, b) => a + b, 0);
  return { population, needed, lengths, editsCount };
}

async function send(
  req: Pick<PrepareRequest, "baseUrl" | "tokenFor">,
  userId: number,
  what: { method: string; path: string; body: Uint8Array; type: string },
): Promise<string> {
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
  return text;
}

/** The user's block, whole; then version 1 (baseVersion 0) of each of its files. */
export async function uploadBase(
  req: Pick<PrepareRequest, "baseUrl" | "tokenFor">,
  userId: number,
  block: Uint8Array,
  paths: readonly string[],
) {
  const hash = sha256Hex(block);
  const octets = "application/octet-stream";
  await send(req, userId, { method: "PUT", path: `/v1/blocks/${hash}`, body: block, type: octets });
  for (const path of paths) {
    const file = { path, size: block.length, blockHashes: [hash] };
    const json = "application/json";
    const init = { method: "POST", path: "/v1/files/upload-init", type: json };
    const plan = await send(req, userId, { ...init, body: Buffer.from(JSON.stringify(file)) });
    // The commit sends back the uploadId that upload-init issued for this user and path.
    const { uploadId } = JSON.parse(plan) as { uploadId: string };
    const body = Buffer.from(JSON.stringify({ uploadId, ...file, baseVersion: 0 }));
    await send(req, userId, {
      method: "POST",
      path: "/v1/files/commit",
      body,
      type: "application/json",
    });
  }
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
  const plan = planPrepare(scenario, bounds);
  if (plan.editsCount > bounds.editsMax) {
    const what = `${plan.editsCount} with spares for busy files; the bound is ${bounds.editsMax}`;
    throw tooLarge(plan.needed, what, scenario);
  }
  const deadlineMs = startedMs + bounds.timeS * 1000;
  const chains: DeltaChain[] = [];
  for (const [userIndex, row] of plan.lengths.entries()) {
    if (row.every((n) => n === 0)) continue;
    const userId = userIndex + 1;
    const block = baseBlock(scenario.seed, userId);
    const files = [...row.entries()].filter(([, n]) => n > 0);
    const pathOf = (f: number) => `${req.runPrefix}/docs/user-${userId}/file-${f}.bin`;
    await uploadBase(
      req,
      userId,
      block,
      files.map(([f]) => pathOf(f)),
    );
    for (const [fileIndex, length] of files) {
      const path = pathOf(fileIndex);
      chains.push(buildChain({ scenario, userId, fileIndex, path, block, length, deadlineMs }));
    }
    if (performance.now() >= deadlineMs) break;
  }
  const edits = chains.reduce((sum, c) => sum + c.edits.length, 0);
  const seconds = ((performance.now() - startedMs) / 1000).toFixed(1);
  if (edits < plan.editsCount) {
    const what = `${edits} of ${plan.editsCount} were encoded within --prepare-s ${bounds.timeS}`;
    throw tooLarge(plan.needed, what, scenario);
  }
  const deltaBytes = chains.flatMap((c) => c.edits.map((e) => e.delta.length));
  const mean = deltaBytes.reduce((a, b) => a + b, 0) / Math.max(1, deltaBytes.length);
  const users = new Set(chains.map((c) => c.userId)).size;
  const p = plan.population;
  req.log(
    `prepare: ${users} of ${p.usersCount} Zipf users (skew ${p.zipfSkew}) drawn; each uploaded ` +
      `a 4 MiB block whole and committed it as version 1 of ${chains.length} files in all ` +
      `(at most ${p.filesPerUserCount} per user); ${edits} edits encoded (needed ~${plan.needed}` +
      ` plus spares), mean delta ${mean.toFixed(0)} B; ${seconds} s`,
  );
  return new DeltaChains(chains, req.stepFor, new DeltaTargets(p));
}
