// The process's admission gate at its limits and one past them: requests and body bytes in
// progress, a lone request always admitted, release once only, and the refusal's code and wait.
import { describe, expect, it } from "vitest";
import { apiLimits } from "../../core/limits.ts";
import { AdmissionGate, declaredBodyBytes } from "./admission-gate.ts";
import { RetryLaterError, statusFor } from "./http-io.ts";

const limits = { processRequestsInFlightMax: 3, processBodyBytesInFlightMax: 100, retryAfterS: 1 };

describe("AdmissionGate", () => {
  it("admits up to the request limit and refuses one past it with 503 and Retry-After", () => {
    const gate = new AdmissionGate(limits);
    const releases = [gate.enter(0), gate.enter(0), gate.enter(0)];
    let refused: unknown;
    try {
      gate.enter(0);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(RetryLaterError);
    expect((refused as RetryLaterError).code).toBe("SERVICE_OVERLOADED");
    expect((refused as RetryLaterError).retryAfterS).toBe(1);
    expect(statusFor("SERVICE_OVERLOADED")).toBe(503);
    expect(gate.shedCount).toBe(1);
    releases[0]!();
    expect(() => gate.enter(0)).not.toThrow();
  });

  it("admits body bytes up to the limit, refuses one byte past it, but never a lone request", () => {
    const gate = new AdmissionGate(limits);
    const first = gate.enter(60);
    const second = gate.enter(40);
    expect(() => gate.enter(1)).toThrow(/100 body bytes \(at most 100\)/);
    first();
    second();
    const huge = gate.enter(1000); // alone: admitted
    expect(gate.inFlight).toEqual({ requests: 1, bodyBytes: 1000 });
    huge();
  });

  it("releases once, however often the release is called", () => {
    const gate = new AdmissionGate(limits);
    const release = gate.enter(10);
    release();
    release();
    expect(gate.inFlight).toEqual({ requests: 0, bodyBytes: 0 });
  });

  it("counts a body by its Content-Length, a chunked one as a large body", () => {
    expect(declaredBodyBytes({ "content-length": "4096" })).toBe(4096);
    expect(declaredBodyBytes({})).toBe(0);
    expect(declaredBodyBytes({ "transfer-encoding": "chunked" })).toBe(apiLimits.deltaBodyBytesMax);
  });
});
