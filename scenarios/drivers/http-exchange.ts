// One operation's HTTP exchange on an undici Pool: its steps in order, each body read to the
// end and discarded, the outcome a value (ok, or an error code) rather than an exception, so
// that the driver counts errors by code and never loses one (STYLE.md section 5).
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

async function drain(body: Dispatcher.ResponseData["body"]): Promise<number> {
  let bytes = 0;
  for await (const chunk of body) bytes += (chunk as Buffer).length;
  return bytes;
}

export async function runSteps(pool: Pool, steps: readonly Step[]): Promise<ExchangeOutcome> {
  for (const step of steps) {
    try {
      const response = await pool.request({
        method: step.method,
        path: step.path,
        headers: step.headers,
        body: step.body,
      });
      await drain(response.body);
      if (response.statusCode >= 400) return { ok: false, code: `HTTP_${response.statusCode}` };
    } catch (error) {
      return { ok: false, code: errorCode(error) };
    }
  }
  return { ok: true };
}
