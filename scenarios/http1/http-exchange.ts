// One operation's HTTP exchange on the driver's HTTP/1.1 pool (http1-pool.ts): its steps in
// order, each body read to the end and discarded, the outcome an error code or none rather than
// an exception, so that the driver counts errors by code and never loses one (STYLE.md section
// 5). One object per operation, with no Promise or closure per step: profiling the driver at
// 20K req/s put per-request allocation (and the garbage collector behind it) near the top.
import type { Http1Pool, ResponseHandler } from "./http1-pool.ts";
import type { OperationPlan } from "../operations/routes.ts";

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

export class Exchange implements ResponseHandler {
  private stepIndex = 0;
  /** The last kept response body (upload-init's plan), for a step with bodyFrom. */
  private kept: Uint8Array | undefined;

  constructor(
    private readonly pool: Http1Pool,
    readonly plan: OperationPlan,
    /** Offset of the intended send from the run's start, ms. */
    readonly intendedMs: number,
    /** performance.now() when the first step was handed to the pool. */
    readonly sentAt: number,
    private readonly done: ExchangeDone,
  ) {}

  /** Sends the first step; a plan that fails at once ends without sending, never synchronously. */
  start(): void {
    const failWith = this.plan.failWith;
    if (failWith !== undefined) queueMicrotask(() => this.done(this, failWith));
    else if (this.plan.steps.length === 0) queueMicrotask(() => this.done(this, undefined));
    else this.pool.request(this.plan.steps[0]!, this);
  }

  onResponse(status: number, body?: Uint8Array): void {
    if (status >= 400) return this.done(this, `HTTP_${status}`);
    if (body) this.kept = body;
    const steps = this.plan.steps;
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

  onError(code: string): void {
    this.done(this, code);
  }
}
