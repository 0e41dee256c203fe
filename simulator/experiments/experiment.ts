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
  /** Window the rolling-deploy's peak rates are counted over (default 1 s). */
  readonly peakWindowS?: number;
  /** gc-backlog: one GcWorker's sweep rate, measured by `npm run bench:gc` (default: ASSUMED). */
  readonly gcDeletesPerWorkerPerS?: number;
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
  /** The model draws nothing at random: one run is the figure, the seed and replications unused. */
  readonly deterministic?: boolean;
  run(options: ExperimentOptions, output: ExperimentOutput): void;
}

export function replicationSeed(seed: number, r: number): number {
  return (seed + r) >>> 0;
}

export function runExperiment(
  experiment: Experiment,
  options: ExperimentOptions,
  calibration: Projection["calibration"],
): Projection {
  const deterministic = experiment.deterministic === true;
  const output: ExperimentOutput = {
    collector: new MetricCollector(deterministic),
    tables: {},
    notes: [],
    events: 0,
  };
  experiment.run(options, output);
  return {
    schemaVersion: 1,
    kind: "syncbench.projection",
    experiment: experiment.name,
    seed: options.seed,
    replications: deterministic ? 1 : options.replications,
    ...(deterministic ? { deterministic } : {}),
    calibration,
    options: {
      durationS: options.durationS,
      warmupS: options.warmupS,
      devices: options.devices,
      peakRps: options.params.peakRps,
    },
    metrics: output.collector.metrics(),
    tables: output.tables,
    notes: output.notes,
    simulator: { events: output.events },
  };
}
