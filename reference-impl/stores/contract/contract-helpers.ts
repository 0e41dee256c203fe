// Small helpers shared by the contract suites: content hashes and ids that are unique per run.
import { createHash, randomUUID } from "node:crypto";

export const sha256Hex = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

/** A distinct, valid block hash for tests that need ids, not content. */
export const fakeHash = (label: string): string => sha256Hex(Buffer.from(`${label}:${runId}`));

export const runId = randomUUID().slice(0, 8);

export const uniqueName = (prefix: string): string => `${prefix}-${runId}-${randomUUID().slice(0, 6)}`;
