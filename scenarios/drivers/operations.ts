// Turns a scenario into concrete requests: which operation comes next (the mix), for which user
// (Zipf), which block (Zipf popularity over shared content, uniform over private), how large
// the delta or the new file is. Seeded: the same scenario and seed give the same requests.
import {
  activeOperations,
  scenarioLimits,
  type HttpOperationName,
  type Scenario,
} from "../scenario.ts";
import { Random, ZipfRanks } from "./random.ts";
import { routes, type OperationPlan, type RouteName, type Step } from "./routes.ts";

const payload = new Uint8Array(scenarioLimits.blockSizeBytes);
for (let i = 0; i < payload.length; i++) payload[i] = (i * 2654435761) >>> 24;

function hashHex(random: Random): string {
  let hex = "";
  for (let i = 0; i < 8; i++) hex += random.nextUint32().toString(16).padStart(8, "0");
  return hex;
}

/** A stable hex "hash" for a numbered shared block, so popular blocks repeat across users. */
function sharedBlockHash(rank: number): string {
  return hashHex(new Random(rank, "shared-block"));
}

function step(
  route: RouteName,
  userId: number,
  pathArgs: { hash?: string; query?: string },
  body?: Uint8Array,
): Step {
  const r = routes[route];
  const path = r.pathTemplate.replace(":hash", pathArgs.hash ?? "") + (pathArgs.query ?? "");
  const headers: Record<string, string> = { "x-user-id": String(userId) };
  if (body)
    headers["content-type"] = route.startsWith("block")
      ? "application/octet-stream"
      : "application/json";
  return body
    ? { route, method: r.method, path, headers, body }
    : { route, method: r.method, path, headers };
}

function json(value: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(value));
}

export class OperationPlanner {
  private readonly operations: HttpOperationName[];
  private readonly cumulative: number[];
  private readonly random: Random;
  private readonly users: ZipfRanks;
  private readonly blocks: ZipfRanks | undefined;

  constructor(private readonly scenario: Scenario) {
    this.operations = activeOperations(scenario);
    let sum = 0;
    this.cumulative = this.operations.map((op) => (sum += scenario.mix[op]));
    this.random = new Random(scenario.seed, "operations");
    this.users = new ZipfRanks(scenario.users.count, scenario.users.zipfSkew);
    const d = scenario.download;
    this.blocks = d ? new ZipfRanks(d.blocksCount, d.zipfSkew) : undefined;
  }

  next(): OperationPlan {
    const u = this.random.next() * (this.cumulative.at(-1) ?? 1);
    const index = this.cumulative.findIndex((c) => u < c);
    const operation = this.operations[index === -1 ? this.operations.length - 1 : index]!;
    return { operation, steps: this.stepsFor(operation, this.users.draw(this.random)) };
  }

  private stepsFor(operation: HttpOperationName, userId: number): Step[] {
    const r = this.random;
    const s = this.scenario;
    const filePath = `/docs/file-${r.int(1000)}.txt`;
    if (operation === "download") {
      const shared = r.next() < (s.download?.sharedFraction ?? 0);
      const hash = shared && this.blocks ? sharedBlockHash(this.blocks.draw(r)) : hashHex(r);
      return [step("blockGet", userId, { hash })];
    }
    if (operation === "listFolder") {
      const limit = s.listFolder?.pageSize ?? 100;
      return [step("filesList", userId, { query: `?path=%2Fdocs&limit=${limit}` })];
    }
    const hash = hashHex(r);
    const finalize = step(
      "uploadFinalize",
      userId,
      {},
      json({ userId, path: filePath, blockHashes: [hash] }),
    );
    if (operation === "deltaUpload") {
      const d = s.deltaUpload!;
      const editBytes = d.editBytesMin + r.int(d.editBytesMax - d.editBytesMin + 1);
      const deltaBytes = Math.min(payload.length, Math.ceil(editBytes * d.deltaBytesPerEditByte));
      const baseHash = hashHex(r);
      const init = json({
        userId,
        path: filePath,
        blockHashes: [hash],
        deltas: [{ blockIndex: 0, baseHash }],
      });
      const delta = step("blockDelta", userId, { hash }, payload.subarray(0, deltaBytes));
      return [step("uploadInit", userId, {}, init), delta, finalize];
    }
    return this.newFileSteps(userId, filePath, finalize);
  }

  private newFileSteps(userId: number, filePath: string, finalize: Step): Step[] {
    const f = this.scenario.newFileUpload!;
    const r = this.random;
    const drawn =
      f.size.kind === "fixed" ? f.size.bytes : r.lognormal(f.size.medianBytes, f.size.sigma);
    const sizeBytes = Math.max(1, Math.min(f.sizeBytesMax, Math.round(drawn)));
    const blockCount = Math.ceil(sizeBytes / payload.length);
    const hashes = Array.from({ length: blockCount }, () => hashHex(r));
    const init = step(
      "uploadInit",
      userId,
      {},
      json({ userId, path: filePath, blockHashes: hashes }),
    );
    const puts = hashes.map((hash, i) => {
      const bytes = i === blockCount - 1 ? sizeBytes - i * payload.length : payload.length;
      return step("blockPut", userId, { hash }, payload.subarray(0, bytes));
    });
    return [init, ...puts, finalize];
  }
}
