// --validate: replays each measured operation at its measured rate through its parts (a
// station with the measured concurrency per part, or a pure delay when servers is null) with
// the calibrated service times, and compares predicted with measured p50 and p99. The target
// is ±30 % (stretch ±20 %), the classical accuracy of validated queueing models for response
// times (notes/simulation.md section 3).
import type { VariateSpec } from "../core/variates.ts";
import { simulateNetwork, type StationSpec, type StepSpec } from "../models/network.ts";
import type { Calibration } from "../../formats/calibration.schema.ts";
import { clientServiceTimePart } from "../../formats/part-names.ts";
import { shiftedSpec, type LoopStation } from "./loop-station.ts";

/** The operation whose requests run on the ChunkServices' event loops. */
const loopOperation = "deltaUpload";
const loopStationName = "chunkService.eventLoop";

/** Mean response of the loop station alone at `ratePerS`, simulated as the replay runs it. */
function loopResponseSimulatedS(loop: LoopStation, ratePerS: number, seed: number): number {
  const durationS = Math.max(60, 20_000 / ratePerS);
  const result = simulateNetwork({
    stations: [
      {
        name: loopStationName,
        servers: loop.servers,
        service: { kind: "deterministic", valueS: loop.serviceS },
      },
    ],
    classes: [{ name: "loop", ratePerS, steps: [{ station: loopStationName }] }],
    users: { count: 1, zipfSkew: 1 },
    partitionCount: 1,
    durationS,
    warmupS: durationS * 0.05,
    seed,
  });
  return result.latency.get("loop")!.mean;
}

export interface ReplayRow {
  readonly operation: string;
  readonly ratePerS: number;
  readonly measuredP50Ms: number;
  readonly predictedP50Ms: number;
  readonly p50ErrorPct: number;
  readonly measuredP99Ms: number;
  readonly predictedP99Ms: number;
  readonly p99ErrorPct: number;
  readonly within30Pct: boolean;
}

export function replayMeasured(
  calibration: Calibration,
  options: { seed: number; durationS: number; loop?: LoopStation },
): { rows: ReplayRow[]; events: number } {
  const rows: ReplayRow[] = [];
  let events = 0;
  const loop = options.loop;
  // What the calibration run's client part holds of the loop: taken out, the station puts back
  // the response at the predicted rate (loop-station.ts).
  const heldS = loop ? loopResponseSimulatedS(loop, loop.calibrationRatePerS, options.seed) : 0;
  calibration.operations.forEach((op, index) => {
    const stations: StationSpec[] = [],
      steps: StepSpec[] = [];
    const onLoop = loop !== undefined && op.name === loopOperation;
    if (onLoop) {
      stations.push({
        name: loopStationName,
        servers: loop.servers,
        service: { kind: "deterministic", valueS: loop.serviceS },
      });
      steps.push({ station: loopStationName });
    }
    op.parts.forEach((part, i) => {
      const fitted: VariateSpec = calibration.parts[part.name]!.spec;
      const spec =
        onLoop && part.name === clientServiceTimePart(op.name)
          ? shiftedSpec(fitted, heldS)
          : fitted;
      if (part.servers === null) steps.push({ delay: spec, name: `${part.name}.${i}` });
      else {
        stations.push({ name: `${part.name}.${i}`, servers: part.servers, service: spec });
        steps.push({ station: `${part.name}.${i}` });
      }
    });
    const durationS = Math.max(options.durationS, 20_000 / op.rateAchievedPerS);
    const result = simulateNetwork({
      stations,
      classes: [{ name: op.name, ratePerS: op.rateAchievedPerS, steps }],
      users: { count: 1, zipfSkew: 1 },
      partitionCount: 1,
      durationS,
      warmupS: durationS * 0.05,
      seed: options.seed + index,
    });
    events += result.events;
    const h = result.latency.get(op.name)!;
    const p50 = h.quantile(0.5) * 1000,
      p99 = h.quantile(0.99) * 1000;
    const e50 = (100 * (p50 - op.latencyMs.p50)) / op.latencyMs.p50,
      e99 = (100 * (p99 - op.latencyMs.p99)) / op.latencyMs.p99;
    rows.push({
      operation: op.name,
      ratePerS: op.rateAchievedPerS,
      measuredP50Ms: op.latencyMs.p50,
      predictedP50Ms: p50,
      p50ErrorPct: e50,
      measuredP99Ms: op.latencyMs.p99,
      predictedP99Ms: p99,
      p99ErrorPct: e99,
      within30Pct: Math.abs(e50) <= 30 && Math.abs(e99) <= 30,
    });
  });
  return { rows, events };
}
