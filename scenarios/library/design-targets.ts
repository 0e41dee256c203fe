// The design's latency targets as scenario targets: the figure, the claims it decides and its
// words, all from reference-impl/core/design-figures.ts, so a scenario never restates them.
import { latencyTarget } from "../../reference-impl/core/design-figures.ts";
import type { ScenarioInput } from "../scenario.ts";

type TargetInput = NonNullable<ScenarioInput["targets"]>[string];

/**
 * `metric`'s design target in ms, e.g. designTarget("deltaUpload.latencyMsP99"): max 100, C09;
 * `looserBy` widens it for smoke runs that should fail only on a broken path.
 */
export function designTarget(metric: string, looserBy = 1): TargetInput {
  const t = latencyTarget(metric);
  const figure = looserBy === 1 ? t.statement : `${looserBy}x the ${t.statement}`;
  return { max: t.latencyMsMax * looserBy, claims: [...t.claims], figure };
}
