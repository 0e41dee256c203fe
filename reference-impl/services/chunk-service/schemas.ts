// Request schemas of the ChunkService API (strict: unknown keys are errors), mirrored in
// openapi.yaml. Every limit named here comes from core/limits.ts (apiLimits).
import { z } from "zod";
import { apiLimits } from "../../core/limits.ts";

export const hexSha256 = z
  .string()
  .regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex characters (SHA-256)");
// A file path is a key, but devices write it to disk: no segment may be empty, "." or ".." (also
// between backslashes, for Windows devices), so that no path can name a place outside the folder.
const path = z
  .string()
  .min(1)
  .max(apiLimits.pathBytesMax)
  .refine(
    (p) =>
      p.startsWith("/") &&
      !p.includes("\u0000") &&
      p
        .slice(1)
        .split(/[\\/]/)
        .every((s) => s !== "" && s !== "." && s !== ".."),
    "must start with /, hold no NUL, and have no empty, . or .. segment",
  )
  .refine(
    (p) => Buffer.byteLength(p) <= apiLimits.pathBytesMax,
    `must be at most ${apiLimits.pathBytesMax} UTF-8 bytes`,
  );
const hashes = z.array(hexSha256).max(apiLimits.hashListLengthMax);
const size = z.number().int().min(0).max(apiLimits.fileSizeBytesMax);

export const uploadInitSchema = z.strictObject({
  path,
  size,
  blockHashes: hashes,
  baseVersion: z.number().int().min(0).optional(),
});

export const commitSchema = z.strictObject({
  uploadId: z.string().uuid(),
  path,
  size,
  blockHashes: hashes,
  baseVersion: z.number().int().min(0),
  delete: z.boolean().optional(),
  proofs: z
    .array(
      z.strictObject({
        hash: hexSha256,
        token: z.string().max(apiLimits.proofTokenBytesMax),
        proof: z.string().regex(/^[0-9a-f]{64}$/),
      }),
    )
    .max(apiLimits.proofsMax)
    .optional(),
});

/** Every problem of a request body at once: "blockHashes.3: must be 64 lowercase hex…; size: …". */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
}
