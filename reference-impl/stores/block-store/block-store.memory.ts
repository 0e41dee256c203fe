// BlockStore in memory, for unit tests: a Map of copies, with the same checks as the S3 adapter.
import { Readable } from "node:stream";
import type { Clock } from "../../runtime/clock.ts";
import {
  deleteManyKeysMax,
  listKeysMax,
  type BlockReader,
  type BlockStore,
  type StoredObject,
} from "./block-store.port.ts";
import {
  checkBlock,
  checkKey,
  checkKeys,
  checkListRequest,
  checkSize,
} from "./block-store.validate.ts";

export class MemoryBlockStore implements BlockStore {
  private readonly blocks = new Map<string, Uint8Array>();
  private readonly storedAtMs = new Map<string, number>();

  /** clock: when blocks count as stored (list's lastModifiedMs); the system clock by default. */
  constructor(private readonly options: { clock?: Clock } = {}) {}

  async put(
    hash: string,
    bytes: Uint8Array,
    options: { readonly contentVerified?: boolean } = {},
  ): Promise<{ created: boolean }> {
    if (options.contentVerified === true) checkSize(hash, bytes);
    else checkBlock(hash, bytes);
    if (this.blocks.has(hash)) return { created: false };
    this.blocks.set(hash, Uint8Array.from(bytes));
    this.storedAtMs.set(hash, this.options.clock?.nowMs() ?? Date.now());
    return { created: true };
  }
  async get(
    hash: string,
    options: { readonly into?: Uint8Array } = {},
  ): Promise<Uint8Array | undefined> {
    checkKey(hash);
    const bytes = this.blocks.get(hash);
    if (bytes && options.into && options.into.byteLength >= bytes.byteLength) {
      options.into.set(bytes);
      return options.into.subarray(0, bytes.byteLength);
    }
    return bytes && Uint8Array.from(bytes);
  }
  async openRead(hash: string): Promise<BlockReader | undefined> {
    const bytes = await this.get(hash);
    return bytes && { sizeBytes: bytes.byteLength, body: Readable.from([Buffer.from(bytes)]) };
  }
  async exists(hash: string): Promise<boolean> {
    checkKey(hash);
    return this.blocks.has(hash);
  }
  async delete(hash: string): Promise<void> {
    checkKey(hash);
    this.blocks.delete(hash);
    this.storedAtMs.delete(hash);
  }
  async deleteMany(hashes: readonly string[]): Promise<void> {
    checkKeys(hashes, deleteManyKeysMax);
    for (const hash of hashes) await this.delete(hash);
  }
  async list(afterHash: string, limit: number): Promise<StoredObject[]> {
    checkListRequest(afterHash, limit, listKeysMax);
    return [...this.blocks.keys()]
      .filter((h) => h > afterHash)
      .sort()
      .slice(0, limit)
      .map((hash) => ({ hash, lastModifiedMs: this.storedAtMs.get(hash) ?? 0 }));
  }
  async close(): Promise<void> {}
}
