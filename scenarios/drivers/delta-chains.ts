// Delta uploads the real ChunkService accepts: each prepared user owns a few files whose version
// 1 is the user's whole 4 MiB block (uploaded once by delta-prepare.ts, committed per file);
// every delta-upload operation applies the next seeded edit to one file's current block and
// sends the delta encoded before the measured window (encodeDelta costs ~13 ms per 4 MiB block
// here, too slow for the generator's loop). The file is drawn by the scenario's Zipf skew
// (delta-targets.ts: user, then file). A file's versions are a chain (commit names
// baseVersion), so one file never has two uploads in flight: when the drawn file is busy the
// edit waits behind the upload in flight, as a client's second save of a file does (a deferred
// plan: its latency still runs from its intended time), up to queuedEditsMax per file, beyond
// which it fails at once as DELTA_FILE_QUEUE_FULL, sending nothing. Only when the drawn file
// has no edit left or was retired does the edit go to another of the user's files. A failed
// upload retires that file, since the server's version is then unknown; edits waiting on it
// fail as DELTA_FILE_RETIRED. The chains hold only deltas and hashes, never the
// blocks. Each commit sends back the uploadId its upload-init was issued (the step keeps the
// answer), as the service requires: ids are bound to the user and path that asked for them.
import { createCipheriv, createHash } from "node:crypto";
import { encodeDelta } from "../../reference-impl/core/delta.ts";
import { scenarioLimits, type Scenario } from "../scenario.ts";
import type { DeltaTargets } from "./delta-targets.ts";
import { Random } from "./random.ts";
import { commitBodyFrom, type OperationPlan, type Step } from "./routes.ts";

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
  /** Edits waiting for the upload in flight to settle, oldest first. */
  readonly waiting: Array<() => void>;
  /** Deferred plans handed out for this file and not yet started (at most queuedEditsMax). */
  queued: number;
}

/** A plan whose steps are filled in when it may start (deferred plans). */
type MutablePlan = { -readonly [K in keyof OperationPlan]: OperationPlan[K] };

const hasEdits = (s: Slot) => !s.retired && s.next < s.chain.edits.length;
const usable = (s: Slot) => !s.busy && hasEdits(s);

/** Edits one file holds waiting behind its upload in flight; beyond it an edit fails unsent. */
export const queuedEditsMax = 256;

/**
 * Hands out delta-upload plans: the file the targets draw (waiting behind its upload in flight
 * if there is one), else, when that file has no edit left, the user's next free file with edits
 * left (in file order, wrapping); never two uploads of one file in flight.
 */
export class DeltaChains {
  /** Slots by user rank (userId - 1), each user's in file order. */
  private readonly byUser = new Map<number, Slot[]>();
  retiredCount = 0;
  /** Edits that went to another of the user's files because the drawn one had no edit left. */
  redirectedCount = 0;
  /** Edits that waited behind an upload of the same file. */
  queuedCount = 0;
  /** Edits refused because their file already had queuedEditsMax edits waiting. */
  queueFullCount = 0;
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
      slots.push({ chain, next: 0, busy: false, retired: false, waiting: [], queued: 0 });
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
    const drawn = slots.find((s) => s.chain.fileIndex === target.fileIndex);
    if (drawn && drawn.busy && hasEdits(drawn)) return this.queueBehind(drawn);
    const slot = drawn && usable(drawn) ? drawn : this.pick(slots, target.fileIndex);
    if (!slot) {
      // Every file with edits left is busy: wait behind the first of them; else nothing is left.
      const busy = slots.find((s) => s.busy && hasEdits(s));
      if (busy) return this.queueBehind(busy);
      this.exhaustedCount++;
      return { operation: "deltaUpload", steps: [], failWith: "DELTA_EDITS_EXHAUSTED" };
    }
    if (slot !== drawn) this.redirectedCount++;
    return this.take(slot, { operation: "deltaUpload", steps: [] });
  }

  /** The slot's next edit goes now: fills the plan's steps and marks the file busy. */
  private take(slot: Slot, plan: MutablePlan): OperationPlan {
    slot.busy = true;
    plan.steps = this.stepsOf(slot);
    plan.settle = (result) => this.settle(slot, result);
    return plan;
  }

  /** A deferred plan that starts when the file's upload in flight (and those queued before) settle. */
  private queueBehind(slot: Slot): OperationPlan {
    if (slot.queued >= queuedEditsMax) {
      this.queueFullCount++;
      return { operation: "deltaUpload", steps: [], failWith: "DELTA_FILE_QUEUE_FULL" };
    }
    this.queuedCount++;
    slot.queued++;
    let pending = true;
    const leave = () => {
      if (pending) slot.queued--;
      pending = false;
    };
    const plan: MutablePlan = { operation: "deltaUpload", steps: [] };
    // Dropped by the driver before it was deferred (the in-flight cap): it leaves the queue.
    plan.settle = (result) => {
      if (result === "unsent") leave();
    };
    plan.deferUntil = (start) => {
      slot.waiting.push(() => {
        leave();
        plan.settle = undefined;
        if (usable(slot)) this.take(slot, plan);
        else plan.failWith = slot.retired ? "DELTA_FILE_RETIRED" : "DELTA_EDITS_EXHAUSTED";
        start();
      });
    };
    return plan;
  }

  private stepsOf(slot: Slot) {
    const { chain } = slot;
    const edit = chain.edits[slot.next]!;
    const file = {
      path: chain.path,
      size: scenarioLimits.blockSizeBytes,
      blockHashes: [edit.hash],
    };
    const json = (v: unknown) => Buffer.from(JSON.stringify(v));
    const init = this.stepFor("uploadInit", chain.userId, {}, json({ ...file, baseVersion: edit.baseVersion }));
    // The commit's body is built from upload-init's answer: it sends back the uploadId issued.
    const commit = this.stepFor("uploadFinalize", chain.userId, {}, new Uint8Array(0));
    return [
      { ...init, keepResponse: true },
      this.stepFor(
        "blockDelta",
        chain.userId,
        { hash: edit.hash, query: `?base=${edit.baseHash}` },
        edit.delta,
      ),
      { ...commit, bodyFrom: commitBodyFrom({ ...file, baseVersion: edit.baseVersion }) },
    ];
  }

  private settle(slot: Slot, result: "ok" | "failed" | "unsent"): void {
    slot.busy = false;
    if (result === "failed") {
      slot.retired = true;
      this.retiredCount++;
    } else if (result === "ok") slot.next++;
    // The next waiting edit goes (or fails, if the file was retired or ran out) on a later
    // microtask: settle runs inside the pool's response callback, which must not re-enter it.
    if (slot.waiting.length > 0) queueMicrotask(() => this.release(slot));
  }

  /** Starts waiting edits in order until one holds the file (or none waits). */
  private release(slot: Slot): void {
    while (!slot.busy && slot.waiting.length > 0) slot.waiting.shift()!();
  }
}
