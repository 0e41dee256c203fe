// The streaming chunker: cuts a byte stream into fixed-size blocks (4 MiB by default), hashing each
// block and the whole file with SHA-256 as the bytes arrive, so files larger than memory are
// chunked with one block of buffering. `changedBlocks` compares a new block list to the previous
// version's and names the blocks that must be uploaded.
import { Sha256Stream, sha256Hex } from "./hash.ts";
import * as limits from "./limits.ts";
import { SyncbenchError } from "./errors.ts";

/** One block of a file version: where it sits and its content address. */
export interface BlockRef {
  readonly blockIndex: number;
  readonly offsetBytes: number;
  readonly lengthBytes: number;
  readonly sha256: string;
}

export interface Block {
  readonly ref: BlockRef;
  readonly bytes: Uint8Array;
}

export interface FileSummary {
  readonly lengthBytes: number;
  readonly sha256: string;
  readonly blockCount: number;
}

export function checkBlockSize(blockSizeBytes: number): void {
  if (
    !Number.isInteger(blockSizeBytes) ||
    blockSizeBytes < limits.blockSizeBytesMin ||
    blockSizeBytes > limits.blockSizeBytesMax
  ) {
    throw new SyncbenchError(
      "CHUNK_BLOCK_SIZE_OUT_OF_RANGE",
      `block size ${blockSizeBytes} B is ` +
        `outside ${limits.blockSizeBytesMin}..${limits.blockSizeBytesMax} B`,
    );
  }
}

/** Feed bytes with `push` in order; complete blocks come back as soon as they fill. */
export class BlockChunker {
  private buffer: Uint8Array;
  private filled = 0;
  private offsetBytes = 0;
  private blockIndex = 0;
  private readonly fileHash = new Sha256Stream();
  private finished = false;

  constructor(readonly blockSizeBytes: number = limits.blockSizeBytes) {
    checkBlockSize(blockSizeBytes);
    this.buffer = new Uint8Array(blockSizeBytes);
  }

  push(bytes: Uint8Array): Block[] {
    if (this.finished) throw new Error("BlockChunker.push after finish: the file is complete");
    this.fileHash.update(bytes);
    const blocks: Block[] = [];
    let at = 0;
    while (at < bytes.length) {
      const take = Math.min(bytes.length - at, this.blockSizeBytes - this.filled);
      this.buffer.set(bytes.subarray(at, at + take), this.filled);
      this.filled += take;
      at += take;
      if (this.filled === this.blockSizeBytes) blocks.push(this.cut());
    }
    return blocks;
  }

  /** Ends the stream: the last partial block (if any) and the file's length and hash. */
  finish(): { blocks: Block[]; file: FileSummary } {
    if (this.finished) throw new Error("BlockChunker.finish called twice");
    const blocks = this.filled > 0 ? [this.cut()] : [];
    this.finished = true;
    const file = {
      lengthBytes: this.offsetBytes,
      sha256: this.fileHash.digestHex(),
      blockCount: this.blockIndex,
    };
    return { blocks, file };
  }

  private cut(): Block {
    const bytes = this.buffer.subarray(0, this.filled);
    const ref: BlockRef = {
      blockIndex: this.blockIndex,
      offsetBytes: this.offsetBytes,
      lengthBytes: this.filled,
      sha256: sha256Hex(bytes),
    };
    this.blockIndex++;
    this.offsetBytes += this.filled;
    this.filled = 0;
    // The caller owns the returned bytes; the next block fills a fresh buffer.
    this.buffer = new Uint8Array(this.blockSizeBytes);
    return { ref, bytes };
  }
}

/** Chunks bytes that are already in memory (tests, small files). */
export function chunkBytes(bytes: Uint8Array, blockSizeBytes: number = limits.blockSizeBytes) {
  const chunker = new BlockChunker(blockSizeBytes);
  const blocks = chunker.push(bytes);
  const end = chunker.finish();
  return { blocks: [...blocks, ...end.blocks], file: end.file };
}

export interface ChangedBlock {
  readonly blockIndex: number;
  /** "modified": the previous version had a different block here; "new": it had none. */
  readonly reason: "modified" | "new";
  /** The previous block at this index, the natural delta base. */
  readonly previous: BlockRef | undefined;
}

/**
 * The blocks of `current` that the server does not hold: a block whose hash appears anywhere in
 * `previous` is unchanged (content-addressed), even if it moved.
 */
export function changedBlocks(
  previous: readonly BlockRef[],
  current: readonly BlockRef[],
): ChangedBlock[] {
  const known = new Set(previous.map((b) => b.sha256));
  const changed: ChangedBlock[] = [];
  for (const block of current) {
    if (known.has(block.sha256)) continue;
    const before = previous[block.blockIndex];
    changed.push({
      blockIndex: block.blockIndex,
      reason: before ? "modified" : "new",
      previous: before,
    });
  }
  return changed;
}
