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
  /**
   * Stores the block unless the key exists; created: false when it was already there. With
   * contentVerified the caller has already checked the bytes against the key (the delta apply
   * does): the key's form and the size are still checked, the SHA-256 pass is not repeated.
   */
  put(
    hash: string,
    bytes: Uint8Array,
    options?: { readonly contentVerified?: boolean },
  ): Promise<{ created: boolean }>;
  /**
   * The block's bytes, or undefined when the key does not exist. With `into`, the bytes are read
   * into that buffer when it holds them (the result is then a view of it), else into a new one.
   */
  get(hash: string, options?: { readonly into?: Uint8Array }): Promise<Uint8Array | undefined>;
  /**
   * The block as a stream of its bytes with their count, or undefined when the key does not
   * exist: a reader that passes the bytes on (the CDN edge's origin) holds no whole block. The
   * caller reads `body` to its end or destroys it.
   */
  openRead(hash: string): Promise<BlockReader | undefined>;
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

export interface BlockReader {
  readonly sizeBytes: number;
  readonly body: NodeJS.ReadableStream;
}
