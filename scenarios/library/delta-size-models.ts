// The two delta-size models the design states, as named variants a scenario picks (issue 20):
// C01's "100-byte edit ... delta of about 200 bytes", and C08's "deltas typically 1-10 % of the
// full block", read as edits of 1-10 % of a 4 MiB block written with fresh bytes (a fresh byte
// cannot be copied from the base, so the delta is about the edit's size). Whether the two agree
// is for the claims ledger to call, not for a scenario: each scenario says which one it follows.
import { blockSizeBytes, stated } from "../../reference-impl/core/design-figures.ts";

export type DeltaSizeModelName = "c01-small-edit" | "c08-block-fraction";

export const deltaSizeModels: Readonly<
  Record<DeltaSizeModelName, { editBytesMin: number; editBytesMax: number }>
> = {
  "c01-small-edit": { editBytesMin: stated.C01.editBytes, editBytesMax: stated.C01.editBytes },
  "c08-block-fraction": {
    editBytesMin: Math.ceil(stated.C08.deltaFractionMin * blockSizeBytes),
    editBytesMax: Math.floor(stated.C08.deltaFractionMax * blockSizeBytes),
  },
};

/** A scenario's deltaUpload fields for `model`, named so that results.json records the variant. */
export function deltaSizeModel(model: DeltaSizeModelName) {
  return { sizeModel: model, ...deltaSizeModels[model] };
}
