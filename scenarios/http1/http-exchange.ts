// One operation's HTTP exchange on the driver's HTTP/1.1 pool (http1-pool.ts): its steps in
// order, each body read to the end and discarded, the outcome an error code or none rather than
// an exception, so that the driver counts errors by code and never loses one (STYLE.md section
// 5). One object per operation, with no Promise or closure per step: profiling the driver at
// 20K req/s put per-request allocation (and the garbage collector behind it) near the top.
import type { RequestSender, ResponseHandler, ResponseMeta } from "./http1-pool.ts";
import type { OperationPlan, Step } from "../operations/routes.ts";

/** Error code of a failed request: an HTTP status, undici's or the OS's code. */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") return code;
  const causeCode = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  if (typeof causeCode === "string") return causeCode;
  return error instanceof Error ? error.name : "UNKNOWN";
}

/** Told once when an exchange ends: `code` is undefined when every step succeeded. */
export type ExchangeDone = (exchange: Exchange, code: string | undefined) => void;

/** What an operation's responses carried: bytes and the CDN edge's X-Cache verdicts. */
export interface TransferCounts {
  responsesCount: number;
  bodyBytes: number;
  cacheHitCount: number;
  cacheMissCount: number;
  /** Body bytes of responses the edge served from its cache (X-Cache: HIT). */
  cacheHitBytes: number;
  /** Body bytes of responses the edge fetched from its origin (X-Cache: MISS). */
  cacheMissBytes: number;
}

export function noTransfer(): TransferCounts {
  return {
    responsesCount: 0,
    bodyBytes: 0,
    cacheHitCount: 0,
    cacheMissCount: 0,
    cacheHitBytes: 0,
    cacheMissBytes: 0,
  };
}

export class Exchange implements ResponseHandler {
  private stepIndex = 0;
  /** The last kept response body (upload-init's plan), for a step with bodyFrom. */
  private kept: Uint8Array | undefined;
  /** The plan's steps, or the ones a step's `then` built from its response. */
  private steps: readonly Step[];
  /** Created on the first response that carries bytes or an X-Cache verdict. */
  transfer: TransferCounts | undefined;

  constructor(
    private readonly pool: RequestSender,
    readonly plan: OperationPlan,
    /** Offset of the intended send from the run's start, ms. */
    readonly intendedMs: number,
    /** performance.now() when the first step was handed to the pool. */
    readonly sentAt: number,
    private readonly done: ExchangeDone,
  ) {
    this.steps = plan.steps;
  }

  /** Sends the first step; a plan that fails at once ends without sending, never synchronously. */
  start(): void {
    const failWith = this.plan.failWith;
    this.steps = this.plan.steps; // a deferred plan sets its steps before it starts
    if (failWith !== undefined) queueMicrotask(() => this.done(this, failWith));
    else if (this.steps.length === 0) queueMicrotask(() => this.done(this, undefined));
    else this.pool.request(this.steps[0]!, this);
  }

  onResponse(status: number, body?: Uint8Array, meta?: ResponseMeta): void {
    if (meta) this.count(meta);
    if (status >= 400) return this.done(this, `HTTP_${status}`);
    if (body) this.kept = body;
    const then = this.steps[this.stepIndex]!.then;
    if (then) {
      try {
        this.steps = then(this.kept ?? new Uint8Array(0));
      } catch {
        return this.done(this, "RESPONSE_UNUSABLE"); // e.g. a block list that is not JSON
      }
      this.stepIndex = -1;
    }
    const steps = this.steps;
    if (++this.stepIndex >= steps.length) return this.done(this, undefined);
    const next = steps[this.stepIndex]!;
    if (!next.bodyFrom) return this.pool.request(next, this);
    let built: Uint8Array;
    try {
      built = next.bodyFrom(this.kept ?? new Uint8Array(0));
    } catch {
      return this.done(this, "RESPONSE_UNUSABLE"); // e.g. upload-init answered without an uploadId
    }
    this.pool.request({ ...next, body: built }, this);
  }

  private count(meta: ResponseMeta): void {
    const t = (this.transfer ??= noTransfer());
    t.responsesCount++;
    t.bodyBytes += meta.bodyBytes;
    if (meta.cache === "HIT") {
      t.cacheHitCount++;
      t.cacheHitBytes += meta.bodyBytes;
    } else if (meta.cache === "MISS") {
      t.cacheMissCount++;
      t.cacheMissBytes += meta.bodyBytes;
    }
  }

  onError(code: string): void {
    this.done(this, code);
  }
}
