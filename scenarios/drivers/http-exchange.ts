// One operation's HTTP exchange on an undici Pool: its steps in order, each body read to the
// end and discarded, the outcome a value (ok, or an error code) rather than an exception, so
// that the driver counts errors by code and never loses one (STYLE.md section 5). Steps go
// through Pool.dispatch() with a minimal handler: no response object or body stream per
// request, which load-generation.md 2.1 measured at +31% requests per generator core.
import type { Dispatcher, Pool } from "undici";
import type { Step } from "./routes.ts";

export type ExchangeOutcome = { readonly ok: true } | { readonly ok: false; readonly code: string };

/** Error code of a failed request: an HTTP status, undici's or the OS's code. */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") return code;
  const causeCode = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  if (typeof causeCode === "string") return causeCode;
  return error instanceof Error ? error.name : "UNKNOWN";
}

/**
 * Resolves with the step's status once its body has been read to the end and discarded.
 * undici 7's Pool.dispatch() still asserts the callback-style handler (onConnect, onHeaders,
 * onData, onComplete, onError); the controller-style one is for interceptors only.
 */
function dispatchStep(pool: Pool, step: Step): Promise<number> {
  return new Promise((resolve, reject) => {
    let status = 0;
    const handler = {
      onConnect: () => {},
      onHeaders: (statusCode: number) => {
        status = statusCode;
        return true;
      },
      onData: () => true,
      onComplete: () => resolve(status),
      onError: (error: Error) => reject(error),
    };
    const options = {
      method: step.method,
      path: step.path,
      headers: step.headers,
      body: step.body ?? null,
    };
    pool.dispatch(options, handler as unknown as Dispatcher.DispatchHandler);
  });
}

export async function runSteps(pool: Pool, steps: readonly Step[]): Promise<ExchangeOutcome> {
  for (const step of steps) {
    try {
      const status = await dispatchStep(pool, step);
      if (status >= 400) return { ok: false, code: `HTTP_${status}` };
    } catch (error) {
      return { ok: false, code: errorCode(error) };
    }
  }
  return { ok: true };
}
