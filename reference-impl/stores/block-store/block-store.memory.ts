// BlockStore in memory, for unit tests: a Map of copies, with the same checks as the S3 adapter.
import { Readable } from "node:stream";
import type { BlockReader, BlockStore } from "./block-store.port.ts";
import { checkBlock, checkKey, checkSize } from "./block-store.validate.ts";

export class MemoryBlockStore implements BlockStore {
  private readonly blocks = new Map<string, Uint8Array>();

  async put(
    hash: string,
    bytes: Uint8Array,
    options: { readonly contentVerified?: boolean } = {},
  ): Promise<{ created: boolean }> {
    if (options.contentVerified === true) checkSize(hash, bytes);
    else checkBlock(hash, bytes);
    if (this.blocks.has(hash)) return { created: false };
    this.blocks.set(hash, Uint8Array.from(bytes));
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
  }
  async close(): Promise<void> {}
}
