// Retry-After as the client, the fault lab and the scenario driver read it (RFC 9110 10.2.3):
// delay-seconds or an HTTP-date, in milliseconds from now, cut to overloadLimits.retryAfterMsMax
// so a server cannot park a client for hours; undefined when absent or unreadable (the caller
// then uses its own backoff).
import { overloadLimits } from "../core/limits.ts";

export function retryAfterMs(header: string | null | undefined, nowMs: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const text = header.trim();
  let ms: number | undefined;
  if (/^[0-9]{1,9}$/.test(text)) ms = Number(text) * 1000;
  else if (/[A-Za-z]/.test(text)) {
    const at = Date.parse(text);
    if (Number.isFinite(at)) ms = Math.max(0, at - nowMs);
  }
  return ms === undefined ? undefined : Math.min(ms, overloadLimits.retryAfterMsMax);
}
