// The fault lab's HTTP client: one request with a per-request timeout, every failure turned into
// a code a person can read in the table (the service's JSON error code, else HTTP_<status>, else
// TIMEOUT or NET_<errno>), and bounded retries that honour Retry-After on 429 and 503 (capped),
// else full-jitter backoff. Each attempt is reported, so client-visible errors are counted even
// when a retry later succeeds.
import { retryAfterMs } from "../../reference-impl/client/retry-after.ts";
import { fullJitterDelayMs } from "../../reference-impl/client/backoff.ts";

export interface Attempt {
  readonly atMs: number;
  readonly ok: boolean;
  /** Set when !ok. */
  readonly code?: string;
}

export interface ApiAnswer {
  readonly status: number;
  readonly json: Record<string, unknown>;
  readonly bytes?: Uint8Array;
}

export interface RequestSpec {
  readonly method: "GET" | "POST" | "PUT";
  readonly url: string;
  readonly token?: string;
  readonly json?: unknown;
  readonly raw?: Uint8Array;
  /** Read the body as bytes (block downloads) instead of JSON. */
  readonly wantBytes?: boolean;
}

export const requestPolicy = {
  timeoutMs: 10_000,
  attemptsMax: 5,
  backoff: { baseMs: 250, capMs: 4_000 },
} as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function errnoOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  if ((error as Error).name === "TimeoutError") return "TIMEOUT";
  return `NET_${cause?.code ?? (error as Error).name ?? "ERROR"}`;
}

async function once(spec: RequestSpec): Promise<ApiAnswer & { retryAfter: string | null }> {
  const headers: Record<string, string> = {};
  if (spec.token) headers.authorization = `Bearer ${spec.token}`;
  if (spec.json !== undefined) headers["content-type"] = "application/json";
  if (spec.raw) headers["content-type"] = "application/octet-stream";
  const response = await fetch(spec.url, {
    method: spec.method,
    headers,
    body: spec.raw ?? (spec.json === undefined ? undefined : JSON.stringify(spec.json)),
    signal: AbortSignal.timeout(requestPolicy.timeoutMs),
  });
  const body = new Uint8Array(await response.arrayBuffer());
  let json: Record<string, unknown> = {};
  if (!spec.wantBytes || response.status >= 300) {
    try {
      json = JSON.parse(Buffer.from(body).toString("utf8")) as Record<string, unknown>;
    } catch {
      json = { error: { code: `HTTP_${response.status}_NOT_JSON` } };
    }
  }
  return {
    status: response.status,
    json,
    ...(spec.wantBytes ? { bytes: body } : {}),
    retryAfter: response.headers.get("retry-after"),
  };
}

export function codeOf(answer: ApiAnswer): string {
  const error = answer.json.error as { code?: unknown } | undefined;
  return typeof error?.code === "string" ? error.code : `HTTP_${answer.status}`;
}

/**
 * Sends `spec` until it gets a 2xx or a final answer (4xx other than 408/429), at most
 * attemptsMax times. Returns the last answer, or undefined when every attempt failed in transport.
 */
export async function requestWithRetries(
  spec: RequestSpec,
  record: (attempt: Attempt) => void,
  random: () => number,
): Promise<ApiAnswer | undefined> {
  let last: ApiAnswer | undefined;
  for (let attempt = 0; attempt < requestPolicy.attemptsMax; attempt++) {
    let waitMs: number | undefined;
    try {
      const answer = await once(spec);
      last = answer;
      if (answer.status < 300) {
        record({ atMs: Date.now(), ok: true });
        return answer;
      }
      record({ atMs: Date.now(), ok: false, code: codeOf(answer) });
      const retryable = answer.status >= 500 || answer.status === 429 || answer.status === 408;
      if (!retryable) return answer;
      waitMs = retryAfterMs(answer.retryAfter, Date.now());
    } catch (error) {
      record({ atMs: Date.now(), ok: false, code: errnoOf(error) });
    }
    waitMs ??= fullJitterDelayMs(attempt, random, requestPolicy.backoff);
    await sleep(waitMs);
  }
  return last;
}
