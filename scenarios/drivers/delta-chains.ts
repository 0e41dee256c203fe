// Delta uploads the real ChunkService accepts: each prepared user owns a few files whose version
// 1 is the user's whole 4 MiB block (uploaded once by delta-prepare.ts, committed per file);
// every delta-upload operation applies the next seeded edit to one file's current block and
// sends the delta encoded before the measured window (encodeDelta costs ~13 ms per 4 MiB block
// here, too slow for the generator's loop). The file is drawn by the scenario's Zipf skew
// (delta-targets.ts: user, then file). A file's versions are a chain (commit names
// baseVersion), so one file never has two uploads in flight: when the drawn file is busy the
// user edits another of its files that is free (a client saving two files at once); only when
// all of them are busy does the operation fail, as DELTA_USER_FILES_BUSY, sending nothing.
// The driver sends a plan at its intended time or not at all, so queueing the second save
// behind the first is not possible without a driver change. A failed upload retires that file,
// since the server's version is then unknown. The chains hold only deltas and hashes, never the
// blocks. Each commit gets a fresh random uploadId: the service replays a known uploadId's
// answer (idempotent commits), so a seeded one would make a rerun's commits no-ops.
import { createCipheriv, createHash, randomUUID } from "node:crypto";
import { encodeDelta } from "../../reference-impl/core/delta.ts";
import { scenarioLimits, type Scenario } from "../scenario.ts";
import type { DeltaTargets } from "./delta-targets.ts";
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
  /** The file's rank among its user's files (0 is the user's most edited). */
  readonly fileIndex: number;
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
  readonly fileIndex: number;
  readonly path: string;
  readonly block: Uint8Array;
  readonly length: number;
  /** Stops encoding early (time bound); the chain is then shorter. */
  readonly deadlineMs: number;
}

/** Encodes `length` successive edits of the user's block (version 1 onwards). */
export function buildChain(req: ChainRequest): DeltaChain {
  const random = new Random(req.scenario.seed, `edits-${req.userId}-${req.fileIndex}`);
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
  return { userId: req.userId, fileIndex: req.fileIndex, path: req.path, edits };
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
  busy: boolean;
  retired: boolean;
}

const usable = (s: Slot) => !s.busy && !s.retired && s.next < s.chain.edits.length;

/**
 * Hands out delta-upload plans: the file the targets draw, else the user's next free file with
 * edits left (in file order, wrapping); never a file that has an upload in flight.
 */
export class DeltaChains {
  /** Slots by user rank (userId - 1), each user's in file order. */
  private readonly byUser = new Map<number, Slot[]>();
  retiredCount = 0;
  /** Edits that went to another of the user's files because the drawn one was busy. */
  redirectedCount = 0;
  /** Edits refused because every prepared file of the drawn user was busy. */
  busyCount = 0;
  /** Edits refused because the drawn user had no prepared edit left (run beyond the bound). */
  exhaustedCount = 0;

  constructor(
    chains: readonly DeltaChain[],
    private readonly stepFor: StepFor,
    private readonly targets: DeltaTargets,
  ) {
    for (const chain of chains) {
      if (chain.edits.length === 0) continue;
      const slots = this.byUser.get(chain.userId - 1) ?? [];
      slots.push({ chain, next: 0, busy: false, retired: false });
      this.byUser.set(chain.userId - 1, slots);
    }
    for (const slots of this.byUser.values()) {
      slots.sort((a, b) => a.chain.fileIndex - b.chain.fileIndex);
    }
  }

  get editsLeft(): number {
    let sum = 0;
    for (const slots of this.byUser.values()) {
      for (const s of slots) if (!s.retired) sum += s.chain.edits.length - s.next;
    }
    return sum;
  }

  /** The drawn file if usable, else the user's next usable file after it (wrapping). */
  private pick(slots: readonly Slot[], fileIndex: number): Slot | undefined {
    const from = slots.findIndex((s) => s.chain.fileIndex >= fileIndex);
    const start = from === -1 ? 0 : from;
    for (let k = 0; k < slots.length; k++) {
      const slot = slots[(start + k) % slots.length]!;
      if (usable(slot)) return slot;
    }
    return undefined;
  }

  nextPlan(): OperationPlan {
    const target = this.targets.next();
    const slots = this.byUser.get(target.userIndex) ?? [];
    const slot = this.pick(slots, target.fileIndex);
    if (!slot) {
      const busy = slots.some((s) => s.busy);
      if (busy) this.busyCount++;
      else this.exhaustedCount++;
      const failWith = busy ? "DELTA_USER_FILES_BUSY" : "DELTA_EDITS_EXHAUSTED";
      return { operation: "deltaUpload", steps: [], failWith };
    }
    if (slot.chain.fileIndex !== target.fileIndex) this.redirectedCount++;
    slot.busy = true;
    return {
      operation: "deltaUpload",
      steps: this.stepsOf(slot),
      settle: (result) => this.settle(slot, result),
    };
  }

  private stepsOf(slot: Slot) {
    const { chain } = slot;
    const edit = chain.edits[slot.next]!;
    const file = {
      path: chain.path,
      size: scenarioLimits.blockSizeBytes,
      blockHashes: [edit.hash],
    };
    const commit = { uploadId: randomUUID(), ...file, baseVersion: edit.baseVersion };
    const json = (v: unknown) => Buffer.from(JSON.stringify(v));
    return [
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
  }

  private settle(slot: Slot, result: "ok" | "failed" | "unsent"): void {
    slot.busy = false;
    if (result === "failed") {
      slot.retired = true;
      this.retiredCount++;
    } else if (result === "ok") slot.next++;
  }
}
