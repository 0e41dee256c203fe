// Small helpers shared by the contract suites: content hashes and ids that are unique per run.
import { createHash, randomUUID } from "node:crypto";

export const sha256Hex = (bytes: Uint8Array): string =>
  createHash("sha256").update(bytes).digest("hex");

/** A distinct, valid block hash for tests that need ids, not content. */
export const fakeHash = (label: string): string => sha256Hex(Buffer.from(`${label}:${runId}`));

export const runId = randomUUID().slice(0, 8);

export const uniqueName = (prefix: string): string =>
  `${prefix}-${runId}-${randomUUID().slice(0, 6)}`;

/** Opens an adapter for one test and closes it afterwards, also when the test fails. */
export function withAdapter<T extends { close(): Promise<void> }>(open: () => Promise<T>) {
  return async (body: (adapter: T) => Promise<void>): Promise<void> => {
    const adapter = await open();
    try {
      await body(adapter);
    } finally {
      await adapter.close();
    }
  };
}
