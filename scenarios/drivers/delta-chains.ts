// Delta uploads the real ChunkService accepts: each prepared user owns one file whose version 1
// is a whole 4 MiB block (uploaded by delta-prepare.ts); every delta-upload operation applies the
// next seeded edit to that user's current block and sends the delta encoded before the measured
// window (encodeDelta costs ~13 ms per 4 MiB block here, too slow for the generator's loop).
// A user's versions are serial (commit names baseVersion), so an operation takes a user whose
// previous upload has ended; a failed upload retires that user, since the server's version is
// then unknown. The chains hold only deltas and hashes, never the blocks. Each commit gets a
// fresh random uploadId: the service replays a known uploadId's answer (idempotent commits), so
// a seeded one would make a rerun's commits no-ops.
import { createCipheriv, createHash, randomUUID } from "node:crypto";
import { encodeDelta } from "../../reference-impl/core/delta.ts";
import { scenarioLimits, type Scenario } from "../scenario.ts";
import { Random } from "./random.ts";
import type { OperationPlan, Step } from "./routes.ts";

export interface DeltaEdit {
  readonly hash: string;
  readonly baseHash: string;
  readonly delta: Uint8Array;
  /** The version this edit's commit names as its base. */
  readonly baseVersion: number;
}

export interface DeltaChain {
  readonly userId: number;
  readonly path: string;
  readonly edits: DeltaEdit[];
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** A user's version-1 block: AES-CTR keystream keyed by (seed, user), distinct per user. */
export function baseBlock(seed: number, userId: number): Uint8Array {
  const key = createHash("sha256").update(`syncbench-block:${seed}:${userId}`).digest();
  const cipher = createCipheriv("aes-128-ctr", key.subarray(0, 16), key.subarray(16, 32));
  return cipher.update(new Uint8Array(scenarioLimits.blockSizeBytes));
}

/** The scenario's edit model: editBytes in [min, max], at a uniform offset or at the end. */
export function editBlock(block: Uint8Array, edit: Scenario["deltaUpload"], r: Random): Uint8Array {
  const d = edit!;
  const bytes = Math.min(block.length, d.editBytesMin + r.int(d.editBytesMax - d.editBytesMin + 1));
  const at = d.positions === "append" ? block.length - bytes : r.int(block.length - bytes + 1);
  const out = Uint8Array.from(block);
  for (let i = 0; i < bytes; i++) out[at + i] = r.int(256);
  return out;
}

export interface ChainRequest {
  readonly scenario: Scenario;
  readonly userId: number;
  readonly path: string;
  readonly block: Uint8Array;
  readonly length: number;
  /** Stops encoding early (time bound); the chain is then shorter. */
  readonly deadlineMs: number;
}

/** Encodes `length` successive edits of the user's block (version 1 onwards). */
export function buildChain(req: ChainRequest): DeltaChain {
  const random = new Random(req.scenario.seed, `edits-${req.userId}`);
  const edits: DeltaEdit[] = [];
  let current = req.block;
  let currentHash = sha256Hex(current);
  for (let k = 0; k < req.length && performance.now() < req.deadlineMs; k++) {
    const next = editBlock(current, req.scenario.deltaUpload, random);
    const hash = sha256Hex(next);
    edits.push({
      hash,
      baseHash: currentHash,
      delta: encodeDelta(current, next),
      baseVersion: k + 1,
    });
    current = next;
    currentHash = hash;
  }
  return { userId: req.userId, path: req.path, edits };
}

export type StepFor = (
  route: Step["route"],
  userId: number,
  pathArgs: { hash?: string; query?: string },
  body?: Uint8Array,
) => Step;

interface Slot {
  readonly chain: DeltaChain;
  next: number;
}

/** Hands out delta-upload plans over the prepared users, one upload in flight per user. */
export class DeltaChains {
  private readonly free: Slot[];
  retiredCount = 0;

  constructor(
    chains: readonly DeltaChain[],
    private readonly stepFor: StepFor,
  ) {
    this.free = chains.filter((c) => c.edits.length > 0).map((chain) => ({ chain, next: 0 }));
  }

  get editsLeft(): number {
    return this.free.reduce((sum, s) => sum + s.chain.edits.length - s.next, 0);
  }

  nextPlan(): OperationPlan {
    const slot = this.free.shift();
    if (!slot) return { operation: "deltaUpload", steps: [], failWith: "NO_FREE_PREPARED_USER" };
    const { chain } = slot;
    const edit = chain.edits[slot.next]!;
    const file = {
      path: chain.path,
      size: scenarioLimits.blockSizeBytes,
      blockHashes: [edit.hash],
    };
    const commit = { uploadId: randomUUID(), ...file, baseVersion: edit.baseVersion };
    const json = (v: unknown) => Buffer.from(JSON.stringify(v));
    const steps = [
      this.stepFor(
        "uploadInit",
        chain.userId,
        {},
        json({ ...file, baseVersion: edit.baseVersion }),
      ),
      this.stepFor(
        "blockDelta",
        chain.userId,
        { hash: edit.hash, query: `?base=${edit.baseHash}` },
        edit.delta,
      ),
      this.stepFor("uploadFinalize", chain.userId, {}, json(commit)),
    ];
    return { operation: "deltaUpload", steps, settle: (result) => this.settle(slot, result) };
  }

  private settle(slot: Slot, result: "ok" | "failed" | "unsent"): void {
    if (result === "failed") {
      this.retiredCount++;
      return;
    }
    if (result === "ok") slot.next++;
    if (slot.next < slot.chain.edits.length) this.free.push(slot);
  }
}
