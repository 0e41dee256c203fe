// BlockStore: immutable, content-addressed blocks (key = lowercase hex SHA-256 of the content).
// A key is never overwritten; `put` verifies the content against its key before storing, so a
// block under a key is always the block that hashes to it.

export interface StoredObject {
  readonly hash: string;
  readonly lastModifiedMs: number;
}

/** Most keys one list call returns (S3's ListObjectsV2 page). */
export const listKeysMax = 1000;
/** Most keys one deleteMany call deletes (S3's DeleteObjects takes at most 1,000). */
export const deleteManyKeysMax = 1000;

export interface BlockStore {
  /** Stores the block unless the key exists; created: false when it was already there. */
  put(hash: string, bytes: Uint8Array): Promise<{ created: boolean }>;
  /** The block's bytes, or undefined when the key does not exist. */
  get(hash: string): Promise<Uint8Array | undefined>;
  exists(hash: string): Promise<boolean>;
  /** Deletes a block (GC only); deleting an absent key is not an error. */
  delete(hash: string): Promise<void>;
  /**
   * Deletes up to deleteManyKeysMax blocks in one request (GC's sweep); absent keys are not an
   * error. Rejects, naming the first key, when the store refused any (the sweep retries them).
   */
  deleteMany(hashes: readonly string[]): Promise<void>;
  /**
   * fsck's orphan check: at most `limit` stored blocks with keys after `afterHash`, in key order,
   * with when each was stored. Keys that are not a block's hash are left out.
   */
  list(afterHash: string, limit: number): Promise<StoredObject[]>;
  close(): Promise<void>;
}
