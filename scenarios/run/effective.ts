// The effective scenario of a run: the library scenario with the CLI's overrides applied
// (--rate sets the peak rate, --scale multiplies every rate, --duration sets the length), and
// the mix narrowed to the operations the stack serves. Re-validated, and recorded in results.
import { UsageErrorLike } from "./usage.ts";
import type { Arrival, HttpOperationName, Scenario } from "../scenario.ts";
import { arrivalDurationS, arrivalPeakRatePerS } from "../scenario.ts";
import { validateScenario } from "../scenario-validate.ts";

export interface RunOverrides {
  readonly ratePerS?: number;
  readonly scale?: number;
  readonly durationS?: number;
  readonly warmupS?: number;
  readonly seed?: number;
}

function scaleArrival(arrival: Arrival, rateFactor: number, timeFactor: number): Arrival {
  if (arrival.kind === "constant-arrival-rate") {
    return {
      ...arrival,
      ratePerS: arrival.ratePerS * rateFactor,
      durationS: arrival.durationS * timeFactor,
    };
  }
  return {
    ...arrival,
    startRatePerS: arrival.startRatePerS * rateFactor,
    stages: arrival.stages.map((s) => ({
      targetRatePerS: s.targetRatePerS * rateFactor,
      durationS: s.durationS * timeFactor,
    })),
  };
}

export function applyOverrides(scenario: Scenario, o: RunOverrides): Scenario {
  if (o.ratePerS !== undefined && o.scale !== undefined) {
    throw new UsageErrorLike("--rate and --scale exclude each other; give one");
  }
  const rateFactor =
    o.ratePerS !== undefined ? o.ratePerS / arrivalPeakRatePerS(scenario.arrival) : (o.scale ?? 1);
  const timeFactor =
    o.durationS !== undefined ? o.durationS / arrivalDurationS(scenario.arrival) : 1;
  const ws = scenario.websocket;
  const scaled = {
    ...scenario,
    arrival: scaleArrival(scenario.arrival, rateFactor, timeFactor),
    warmupS:
      o.warmupS ??
      Math.min(scenario.warmupS, (arrivalDurationS(scenario.arrival) * timeFactor) / 5),
    seed: o.seed ?? scenario.seed,
    websocket:
      ws && o.scale !== undefined
        ? {
            ...ws,
            connectedUsersCount: Math.max(1, Math.round(ws.connectedUsersCount * o.scale)),
            notificationRatePerS: ws.notificationRatePerS * o.scale,
          }
        : ws,
  };
  return validateScenario(scaled, scenario.name);
}

/**
 * Only the available operations, their shares renormalised, the rate scaled by their share:
 * the stack is asked for exactly the part of the mix it can serve.
 */
export function narrowToAvailable(
  scenario: Scenario,
  available: readonly HttpOperationName[],
): Scenario {
  const share = available.reduce((sum, op) => sum + scenario.mix[op], 0);
  if (share === 0) return scenario;
  const mix = { deltaUpload: 0, newFileUpload: 0, download: 0, listFolder: 0 };
  for (const op of available) mix[op] = scenario.mix[op] / share;
  return { ...scenario, mix, arrival: scaleArrival(scenario.arrival, share, 1) };
}
