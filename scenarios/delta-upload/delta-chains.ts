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
// has no edit left or was retired does the edit go to another of the user's files. An upload
// that failed on a transient error (a 5xx, a refused or reset connection, a timeout: the stack,
// not the edit, was at fault) holds its file back for a backoff (250 ms doubling to 8 s), then
// the same edit goes again with the same uploadId, so a commit that landed unanswered is
// replayed, not repeated; edits drawn for the file meanwhile wait behind it, so an outage shows
// as their latency, and after it the files carry on. Any other failure (a 4xx: the server's
// version is then unknown), or transientRetriesMax transient ones in a row, retires the file;
// edits waiting on it fail as DELTA_FILE_RETIRED. The chains hold only deltas and hashes, never
// the blocks. Each edit commits with the uploadId its first upload-init was issued (the step
// keeps the answer; the service binds ids to the user and path), kept across the edit's retries.
import { createCipheriv, createHash } from "node:crypto";
import { encodeDelta } from "../../reference-impl/core/delta.ts";
import { overloadLimits } from "../../reference-impl/core/limits.ts";
import { scenarioLimits, type Scenario } from "../scenario.ts";
import type { DeltaTargets } from "./delta-targets.ts";
import { Random } from "../operations/random.ts";
import { commitBodyFrom, type OperationPlan, type Step } from "../operations/routes.ts";

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
  /** Held back after a transient failure until its backoff ends (then the same edit goes). */
  suspended: boolean;
  /** Transient failures in a row of the current edit. */
  transientCount: number;
  /**
   * The uploadId the current edit's first upload-init issued, kept across its retries (a landed
   * commit is then replayed; the id stays valid: it is bound to the user and path, not the call).
   */
  uploadId: string | undefined;
  /** Edits waiting for the upload in flight to settle, oldest first. */
  readonly waiting: Array<() => void>;
  /** Deferred plans handed out for this file and not yet started (at most queuedEditsMax). */
  queued: number;
}

/** A plan whose steps are filled in when it may start (deferred plans). */
type MutablePlan = { -readonly [K in keyof OperationPlan]: OperationPlan[K] };

const hasEdits = (s: Slot) => !s.retired && s.next < s.chain.edits.length;
const usable = (s: Slot) => !s.busy && !s.suspended && hasEdits(s);
/** In use: an upload in flight, or held back after a transient failure. */
const held = (s: Slot) => (s.busy || s.suspended) && hasEdits(s);

/** Edits one file holds waiting behind its upload in flight; beyond it an edit fails unsent. */
export const queuedEditsMax = 256;

/** Retries of one file after transient failures: the first backoff, its cap, and the count. */
export const transientRetry = { delayMsMin: 250, delayMsMax: 8_000, retriesMax: 32 } as const;

/**
 * Error codes that say the stack was unavailable rather than that the edit was wrong: the
 * server's version of the file is then unchanged (or the commit is replayed by its uploadId).
 */
export function isTransientFailure(code: string | undefined): boolean {
  if (code === undefined) return false;
  if (/^HTTP_5\d\d$/.test(code) || code === "HTTP_429") return true;
  return transientCodes.has(code);
}
const shedCodes = new Set(["HTTP_429", "HTTP_503"]);
const transientCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/** Where the backoff's timers come from: the system's, or a test's manual one. */
export interface RetryTimer {
  after(ms: number, run: () => void): { cancel(): void };
}
export const systemRetryTimer: RetryTimer = {
  after(ms, run) {
    const timer = setTimeout(run, ms);
    timer.unref(); // a run that ends during a backoff is not held open by it
    return { cancel: () => clearTimeout(timer) };
  },
};

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
  /** Uploads that failed on a transient error and whose file was held back to retry. */
  transientFailureCount = 0;
  private readonly backoffs = new Set<{ cancel(): void }>();

  constructor(
    chains: readonly DeltaChain[],
    private readonly stepFor: StepFor,
    private readonly targets: DeltaTargets,
    private readonly timer: RetryTimer = systemRetryTimer,
  ) {
    for (const chain of chains) {
      if (chain.edits.length === 0) continue;
      const slots = this.byUser.get(chain.userId - 1) ?? [];
      slots.push({
        chain,
        next: 0,
        busy: false,
        retired: false,
        suspended: false,
        transientCount: 0,
        uploadId: undefined,
        waiting: [],
        queued: 0,
      });
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
    if (drawn && held(drawn)) return this.queueBehind(drawn);
    const slot = drawn && usable(drawn) ? drawn : this.pick(slots, target.fileIndex);
    if (!slot) {
      // Every file with edits left is held: wait behind the first of them; else nothing is left.
      const busy = slots.find(held);
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
    plan.settle = (result, code) => this.settle(slot, result, code);
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
    const init = this.stepFor(
      "uploadInit",
      chain.userId,
      {},
      json({ ...file, baseVersion: edit.baseVersion }),
    );
    // The commit's body is built from upload-init's answer, or from the id the edit kept.
    const commit = this.stepFor("uploadFinalize", chain.userId, {}, new Uint8Array(0));
    const issued = commitBodyFrom({ ...file, baseVersion: edit.baseVersion });
    const bodyFrom = (kept: Uint8Array) => {
      const body = issued(slot.uploadId === undefined ? kept : json({ uploadId: slot.uploadId }));
      slot.uploadId ??= (JSON.parse(Buffer.from(body).toString()) as { uploadId: string }).uploadId;
      return body;
    };
    return [
      { ...init, keepResponse: true },
      this.stepFor(
        "blockDelta",
        chain.userId,
        { hash: edit.hash, query: `?base=${edit.baseHash}` },
        edit.delta,
      ),
      { ...commit, bodyFrom },
    ];
  }

  private settle(slot: Slot, result: "ok" | "failed" | "unsent", code?: string): void {
    slot.busy = false;
    if (result === "ok") {
      slot.next++;
      slot.transientCount = 0;
      slot.uploadId = undefined;
    } else if (result === "failed") {
      if (isTransientFailure(code) && slot.transientCount < transientRetry.retriesMax) {
        this.holdBack(slot, code);
        return; // its waiting edits wait on: the file carries on once the backoff ends
      }
      slot.retired = true;
      this.retiredCount++;
    }
    // The next waiting edit goes (or fails, if the file was retired or ran out) on a later
    // microtask: settle runs inside the pool's response callback, which must not re-enter it.
    if (slot.waiting.length > 0) queueMicrotask(() => this.release(slot));
  }

  /** After a transient failure: the file waits out its backoff, then its first waiter retries. */
  private holdBack(slot: Slot, code: string | undefined): void {
    this.transientFailureCount++;
    // A 429 or 503 is the ChunkService shedding load with Retry-After: overloadLimits.retryAfterS
    // (the driver's parser keeps no header but framing, so it waits the value the service sends).
    const delayMs = Math.max(
      shedCodes.has(code ?? "") ? overloadLimits.retryAfterS * 1000 : 0,
      Math.min(transientRetry.delayMsMax, transientRetry.delayMsMin * 2 ** slot.transientCount),
    );
    slot.transientCount++;
    slot.suspended = true;
    const backoff = this.timer.after(delayMs, () => {
      this.backoffs.delete(backoff);
      slot.suspended = false;
      this.release(slot);
    });
    this.backoffs.add(backoff);
  }

  /** Starts waiting edits in order until one holds the file (or none waits). */
  private release(slot: Slot): void {
    while (!slot.busy && !slot.suspended && slot.waiting.length > 0) slot.waiting.shift()!();
  }

  /** Ends the backoffs still running (the run is over); their files' waiters stay unstarted. */
  close(): void {
    for (const backoff of this.backoffs) backoff.cancel();
    this.backoffs.clear();
  }
}
