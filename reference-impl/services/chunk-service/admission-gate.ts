// Load shedding of one ChunkService process (issue 17): at most processRequestsInFlightMax
// requests and processBodyBytesInFlightMax declared body bytes in progress at once, all users
// together. A request beyond either bound is refused at once with 503 SERVICE_OVERLOADED and
// Retry-After (its body drained, not buffered) instead of joining a queue that grows without
// bound, so at twice the capacity the accepted requests keep their latency and the process its
// memory. Per-user fairness is user-admission.ts's job; this gate protects the process.
import { apiLimits, overloadLimits } from "../../core/limits.ts";
import { RetryLaterError } from "./http-io.ts";

export interface GateLimits {
  readonly processRequestsInFlightMax: number;
  readonly processBodyBytesInFlightMax: number;
  readonly retryAfterS: number;
}

/** What a request's body will cost while it is in progress: its Content-Length. */
export function declaredBodyBytes(headers: {
  "content-length"?: string | undefined;
  "transfer-encoding"?: string | undefined;
}): number {
  const header = headers["content-length"];
  if (header !== undefined && /^[0-9]{1,15}$/.test(header)) return Number(header);
  // A chunked body announces no size: count it as the largest body a route accepts.
  return headers["transfer-encoding"] === undefined ? 0 : apiLimits.deltaBodyBytesMax;
}

export class AdmissionGate {
  private requests = 0;
  private bodyBytes = 0;
  /** Requests refused since the process started. */
  shedCount = 0;

  constructor(private readonly limits: GateLimits = overloadLimits) {}

  get inFlight(): { requests: number; bodyBytes: number } {
    return { requests: this.requests, bodyBytes: this.bodyBytes };
  }

  /**
   * Admits a request whose body declares `bodyBytes` and returns its release (call it once, when
   * the answer is sent or the client went away), or throws SERVICE_OVERLOADED. A request alone is
   * always admitted, whatever its size, so the byte bound never starves a large body forever.
   */
  enter(bodyBytes: number): () => void {
    const l = this.limits;
    const full =
      this.requests >= l.processRequestsInFlightMax ||
      (this.requests > 0 && this.bodyBytes + bodyBytes > l.processBodyBytesInFlightMax);
    if (full) {
      this.shedCount++;
      throw new RetryLaterError(
        "SERVICE_OVERLOADED",
        `this ChunkService has ${this.requests} requests (at most ${l.processRequestsInFlightMax}) ` +
          `and ${this.bodyBytes} body bytes (at most ${l.processBodyBytesInFlightMax}) in progress; ` +
          `this request of ${bodyBytes} bytes was not started`,
        l.retryAfterS,
      );
    }
    this.requests++;
    this.bodyBytes += bodyBytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.requests--;
      this.bodyBytes -= bodyBytes;
    };
  }
}
