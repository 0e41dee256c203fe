// Query schemas of the DownloadService API (strict: unknown parameters are errors), mirrored in
// openapi.yaml. Limits come from core/limits.ts and the MetadataDb port.
import { z } from "zod";
import { apiLimits } from "../../core/limits.ts";
import { listPageRowsMax, versionListRowsMax } from "../../stores/metadata-db/metadata-db.port.ts";

const path = z
  .string()
  .min(1)
  .max(apiLimits.pathBytesMax)
  .refine((p) => p.startsWith("/") && !p.includes("\u0000"), "must start with / and hold no NUL")
  .refine(
    (p) => Buffer.byteLength(p) <= apiLimits.pathBytesMax,
    `must be at most ${apiLimits.pathBytesMax} UTF-8 bytes`,
  );
const count = (max: number) =>
  z
    .string()
    .regex(/^[0-9]{1,7}$/, "must be a whole number")
    .transform(Number)
    .refine((n) => n >= 1 && n <= max, `must be 1..${max}`);

export const contentQuery = z.strictObject({
  path,
  version: z
    .string()
    .regex(/^[0-9]{1,15}$/, "must be a whole number")
    .transform(Number)
    .refine((n) => n >= 1, "must be >= 1")
    .optional(),
  via: z.enum(["cdn", "s3"]).optional(),
});

export const listQuery = z.strictObject({
  prefix: z
    .string()
    .max(apiLimits.pathBytesMax)
    .refine((p) => !p.includes("\u0000"), "must hold no NUL")
    .optional(),
  cursor: z
    .string()
    .max(apiLimits.pathBytesMax * 2)
    .optional(),
  limit: count(listPageRowsMax).optional(),
});

export const versionsQuery = z.strictObject({
  path,
  limit: count(versionListRowsMax).optional(),
});

/** Every problem of a request at once: "path: must start with /; limit: must be 1..1000". */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "(query)"}: ${i.message}`).join("; ");
}
