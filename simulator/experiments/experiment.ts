// What every experiment receives and returns, and the runner that turns an experiment's output
// into a versioned projection (projection/projection.schema.ts). Replication r runs with seed
// (seed + r) mod 2^32, so any single replication can be rerun on its own.
import type { ArchitectureParameters } from "../models/design.ts";
import { MetricCollector } from "../projection/collector.ts";
import type { Projection, TableRow } from "../../formats/projection.schema.ts";

export interface ExperimentOptions {
  readonly seed: number;
  readonly replications: number;
  readonly params: ArchitectureParameters;
  /** Simulated seconds of traffic per replication (queueing experiments). */
  readonly durationS: number;
  readonly warmupS: number;
  /** Connected devices (rolling-deploy). */
  readonly devices: number;
}

export interface ExperimentOutput {
  readonly collector: MetricCollector;
  readonly tables: Record<string, TableRow[]>;
  readonly notes: string[];
  events: number;
}

export interface Experiment {
  readonly name: string;
  readonly summary: string;
  run(options: ExperimentOptions, output: ExperimentOutput): void;
}

export function replicationSeed(seed: number, r: number): number {
  return (seed + r) >>> 0;
}

export function runExperiment(experiment: Experiment, options: ExperimentOptions,
  calibration: Projection["calibration"]): Projection {
  const output: ExperimentOutput = { collector: new MetricCollector(), tables: {}, notes: [], events: 0 };
  experiment.run(options, output);
  return {
    schemaVersion: 1,
    kind: "syncbench.projection",
    experiment: experiment.name,
    seed: options.seed,
    replications: options.replications,
    calibration,
    options: { durationS: options.durationS, warmupS: options.warmupS, devices: options.devices,
      peakRps: options.params.peakRps },
    metrics: output.collector.metrics(),
    tables: output.tables,
    notes: output.notes,
    simulator: { events: output.events },
  };
}
