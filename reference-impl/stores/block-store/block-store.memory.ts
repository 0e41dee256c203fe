// BlockStore in memory, for unit tests: a Map of copies, with the same checks as the S3 adapter.
import { Readable } from "node:stream";
import type { BlockReader, BlockStore } from "./block-store.port.ts";
import { checkBlock, checkKey } from "./block-store.validate.ts";

export class MemoryBlockStore implements BlockStore {
  private readonly blocks = new Map<string, Uint8Array>();

  async put(hash: string, bytes: Uint8Array): Promise<{ created: boolean }> {
    checkBlock(hash, bytes);
    if (this.blocks.has(hash)) return { created: false };
    this.blocks.set(hash, Uint8Array.from(bytes));
    return { created: true };
  }
  async get(hash: string): Promise<Uint8Array | undefined> {
    checkKey(hash);
    const bytes = this.blocks.get(hash);
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
