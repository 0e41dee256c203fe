// The JSON Schema of every file in formats/, generated from its zod schema (zod's toJSONSchema),
// for users who validate these files from other tools. `npm run formats:json-schema` writes them
// to formats/json-schema/; json-schema.test.ts fails when a checked-in file is not current.
// JSON Schema cannot say everything the zod schemas check (p99 ≥ p50, increasing bucket edges,
// known part names): those are in each schema's "description", and syncbench checks them on read.
import { z } from "zod";
import { baselineFormat, baselineSchema } from "./baseline.schema.ts";
import { connectionBenchFormat, connectionBenchSchema } from "./connection-bench.schema.ts";
import { calibrationFormat, calibrationSchema } from "./calibration.schema.ts";
import { deltaBenchFormat, deltaBenchSchema } from "./delta-bench.schema.ts";
import { editWorkloadsFormat, editWorkloadsSchema } from "./edit-workloads.schema.ts";
import type { FormatDescription } from "./format-file.ts";
import { kneeFormat, kneeSchema } from "./knee.schema.ts";
import { measuredFormat, measuredRunSchema } from "./measured.schema.ts";
import { planFormat, planSchema } from "./plan.schema.ts";
import { projectionFormat, projectionSchema } from "./projection.schema.ts";
import { resultsFormat, resultsSchema } from "./results.schema.ts";
import { targetsFormat, targetsSchema } from "./targets.schema.ts";
import { variantsFormat, variantsSchema } from "./variants.schema.ts";

interface SchemaFile {
  readonly file: string;
  readonly format: FormatDescription;
  readonly schema: z.ZodType;
  readonly beyond: string;
}

export const schemaFiles: readonly SchemaFile[] = [
  { file: "results.schema.json", format: resultsFormat, schema: resultsSchema, beyond: "" },
  { file: "knee.schema.json", format: kneeFormat, schema: kneeSchema, beyond: "" },
  {
    file: "measured.schema.json",
    format: measuredFormat,
    schema: measuredRunSchema,
    beyond:
      "p99 ≥ p50; boundsMs increasing with counts.length + 1 edges, not all counts 0; " +
      "a part has serviceTimeMs or histogram; part names from formats/part-names.ts.",
  },
  {
    file: "calibration.schema.json",
    format: calibrationFormat,
    schema: calibrationSchema,
    beyond:
      "empirical boundsS increasing with counts.length + 1 edges, not all counts 0; " +
      "part names from formats/part-names.ts; operations as in measured.schema.json.",
  },
  {
    file: "projection.schema.json",
    format: projectionFormat,
    schema: projectionSchema,
    beyond: "",
  },
  { file: "plan.schema.json", format: planFormat, schema: planSchema, beyond: "" },
  { file: "targets.schema.json", format: targetsFormat, schema: targetsSchema, beyond: "" },
  {
    file: "baseline.schema.json",
    format: baselineFormat,
    schema: baselineSchema,
    beyond: "each metric's ciLowMs <= valueMs <= ciHighMs.",
  },
  {
    file: "delta-bench.schema.json",
    format: deltaBenchFormat,
    schema: deltaBenchSchema,
    beyond:
      "a file without kind and schemaVersion but with synthetic and targets is read as " +
      "schemaVersion 1 (written before the bench stamped them).",
  },
  {
    file: "edit-workloads.schema.json",
    format: editWorkloadsFormat,
    schema: editWorkloadsSchema,
    beyond: "",
  },
  { file: "variants.schema.json", format: variantsFormat, schema: variantsSchema, beyond: "" },
  {
    file: "connection-bench.schema.json",
    format: connectionBenchFormat,
    schema: connectionBenchSchema,
    beyond: "at least one step holds connections.",
  },
];

/** The JSON Schema text of one format, as checked in (2-space indent, trailing newline). */
export function jsonSchemaText(entry: SchemaFile): string {
  const { format } = entry;
  const generated = z.toJSONSchema(entry.schema, { target: "draft-2020-12" });
  const also =
    entry.beyond === "" ? "" : ` Also checked on read, beyond this schema: ${entry.beyond}`;
  const document = {
    $schema: generated.$schema,
    title: `syncbench ${format.what} ("${format.kind}", schemaVersion ${format.schemaVersion})`,
    description: `Generated from formats/ by \`npm run formats:json-schema\`; do not edit.${also}`,
    ...Object.fromEntries(Object.entries(generated).filter(([key]) => key !== "$schema")),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
