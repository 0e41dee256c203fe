// What `syncbench edit-workloads --out FILE` writes ("syncbench.edit-workloads", schemaVersion 1):
// realistic edit sequences (document text edits, log appends, in-place database page updates,
// re-saves of compressed files) encoded with the core delta engine, one sample per edit: the
// bytes the edit changed, the blocks it touched, the delta bytes that would cross the wire and
// the whole blocks block-level sync would send instead. The claims ledger reads it for C03, C08.
import { z } from "zod";
import {
  checkFormat,
  parseFormat,
  type DeepReadonly,
  type FormatDescription,
} from "./format-file.ts";

export const editWorkloadsSchemaVersion = 1;

export const editWorkloadsFormat: FormatDescription = {
  what: "edit workloads",
  kind: "syncbench.edit-workloads",
  schemaVersion: editWorkloadsSchemaVersion,
  code: "EDIT_WORKLOADS_INVALID",
};

export const editFamilies = ["document", "log", "database", "compressed"] as const;

const sample = z.strictObject({
  /** Bytes of the new version that differ from the old at the same offset, plus bytes added. */
  changedBytes: z.number().int().min(0),
  /** Blocks whose SHA-256 changed: what block-level sync (V1) re-uploads whole. */
  changedBlocksCount: z.number().int().min(0),
  /** Sum of the deltas of the changed blocks (V2's payload; new blocks past the old end whole). */
  deltaBytes: z.number().int().min(0),
  /** changedBlocksCount whole blocks' bytes (the last block at its own length). */
  wholeBlocksBytes: z.number().int().min(0),
});

const workload = z.strictObject({
  name: z.string().min(1),
  family: z.enum(editFamilies),
  description: z.string(),
  fileBytes: z.number().int().min(0),
  samples: z.array(sample).min(1),
});

export const editWorkloadsSchema = z.strictObject({
  kind: z.literal(editWorkloadsFormat.kind),
  schemaVersion: z.literal(editWorkloadsSchemaVersion),
  seed: z.number().int(),
  blockSizeBytes: z.number().int().min(1),
  workloads: z.array(workload).min(1),
});

export type EditWorkloads = DeepReadonly<z.infer<typeof editWorkloadsSchema>>;
export type EditWorkload = EditWorkloads["workloads"][number];
export type EditSample = EditWorkload["samples"][number];

/** Validates before writing. */
export function checkEditWorkloads(value: unknown, source: string): EditWorkloads {
  return checkFormat(editWorkloadsSchema, value, editWorkloadsFormat, source);
}

/** edit-workloads.json (text or parsed) -> EditWorkloads, or EDIT_WORKLOADS_INVALID. */
export function parseEditWorkloadsFile(input: unknown, source = "(input)"): EditWorkloads {
  return parseFormat(editWorkloadsSchema, input, editWorkloadsFormat, source);
}
