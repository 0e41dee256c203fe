// The experiments `syncbench simulate <experiment>` knows, in the order the help lists them.
import { cdnHitRate, gcBacklog, kafkaLag, shardSkew } from "./component-experiments.ts";
import { designPeak, scaleSweep } from "./design-peak.ts";
import type { Experiment } from "./experiment.ts";
import { rollingDeploy } from "./rolling-deploy.ts";

export const experiments: readonly Experiment[] = [
  designPeak,
  scaleSweep,
  rollingDeploy,
  shardSkew,
  kafkaLag,
  cdnHitRate,
  gcBacklog,
];

export function findExperiment(name: string): Experiment | undefined {
  return experiments.find((e) => e.name === name);
}
