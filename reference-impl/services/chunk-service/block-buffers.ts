// Reused 4 MiB buffers for the delta path: the base block is read into one and the new block is
// built in another, and both return here once the new block is stored. Without them each delta
// upload allocated two fresh 4 MiB buffers outside the V8 heap, and that external memory drove a
// full garbage collection every few uploads, the largest CPU cost a ChunkService had per upload
// (issue 18, measured with --cpu-prof). Bounded: beyond buffersMax idle buffers, a returned one is
// dropped for the collector, and an empty pool hands out a new one.
import { blockSizeBytes } from "../../core/limits.ts";

export class BlockBuffers {
  private readonly idle: Uint8Array[] = [];

  constructor(readonly buffersMax = 16) {}

  take(): Uint8Array {
    return this.idle.pop() ?? new Uint8Array(blockSizeBytes);
  }

  give(buffer: Uint8Array): void {
    if (buffer.byteLength === blockSizeBytes && this.idle.length < this.buffersMax) {
      this.idle.push(buffer);
    }
  }

  get idleCount(): number {
    return this.idle.length;
  }
}
