// Any file between the stages, recognised by its "kind" and read by that format's reader: what
// `syncbench report FILE...` takes, a mix of results, knee, calibration, projection and delta-bench
// files in any order. A file of another kind, or not JSON, is STAGE_FILE_INVALID naming the kinds it reads.
import { SyncbenchError } from "../reference-impl/core/errors.ts";
import { parseCalibrationFile, type Calibration } from "./calibration.schema.ts";
import {
  deltaBenchFormat,
  looksLikeDeltaBench,
  parseDeltaBenchFile,
  type DeltaBench,
} from "./delta-bench.schema.ts";
import { jsonValue, type FormatDescription } from "./format-file.ts";
import { parseKneeFile, type KneeFile } from "./knee.schema.ts";
import { parseProjectionFile, type Projection } from "./projection.schema.ts";
import { parseResultsFile, type Results } from "./results.schema.ts";

export type StageFile =
  | { readonly kind: "results"; readonly source: string; readonly value: Results }
  | { readonly kind: "knee"; readonly source: string; readonly value: KneeFile }
  | { readonly kind: "calibration"; readonly source: string; readonly value: Calibration }
  | { readonly kind: "projection"; readonly source: string; readonly value: Projection }
  | { readonly kind: "delta-bench"; readonly source: string; readonly value: DeltaBench };

const stageFileFormat: FormatDescription = {
  what: "input",
  kind: "(any stage file)",
  schemaVersion: 0,
  code: "STAGE_FILE_INVALID",
};

type Reader = (value: unknown, source: string) => StageFile;

const readersByKind = new Map<string, Reader>([
  [
    "syncbench.results",
    (v, source) => ({ kind: "results", source, value: parseResultsFile(v, source) }),
  ],
  ["knee", (v, source) => ({ kind: "knee", source, value: parseKneeFile(v, source) })],
  [
    "syncbench.calibration",
    (v, source) => ({ kind: "calibration", source, value: parseCalibrationFile(v, source) }),
  ],
  [
    "syncbench.projection",
    (v, source) => ({ kind: "projection", source, value: parseProjectionFile(v, source) }),
  ],
  [
    deltaBenchFormat.kind,
    (v, source) => ({ kind: "delta-bench", source, value: parseDeltaBenchFile(v, source) }),
  ],
]);

/** JSON text (or a parsed value) of any stage file -> the file, typed by its kind. */
export function parseStageFile(input: unknown, source = "(input)"): StageFile {
  const value = jsonValue(input, stageFileFormat, source);
  const kind =
    typeof value === "object" && value !== null ? (value as { kind?: unknown }).kind : undefined;
  // bench:delta's first files carry no kind: its reader recognises and stamps them.
  const known =
    typeof kind === "string" ? kind : looksLikeDeltaBench(value) ? deltaBenchFormat.kind : "";
  const reader = readersByKind.get(known);
  if (!reader) {
    throw new SyncbenchError(
      stageFileFormat.code,
      `input ${source} has kind ${JSON.stringify(kind) ?? "(missing)"}; expected one of ` +
        `${[...readersByKind.keys()].map((k) => `"${k}"`).join(", ")}`,
    );
  }
  return reader(value, source);
}
