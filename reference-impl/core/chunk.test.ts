// Unit tests of the streaming chunker: blocks concatenate back to the input however the bytes
// arrive, per-block and per-file SHA-256 match Node's, and changed-block detection.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BlockChunker, changedBlocks, chunkBytes } from "./chunk.ts";
import { sha256Hex } from "./hash.ts";
import { isSyncbenchError } from "./errors.ts";

describe("BlockChunker", () => {
  it("cuts blocks of the configured size whatever the push sizes (property)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 40_000 }),
        fc.array(fc.integer({ min: 1, max: 9000 }), { minLength: 1, maxLength: 20 }),
        (bytes, cuts) => {
          const chunker = new BlockChunker(4096);
          const blocks = [];
          let at = 0;
          for (let i = 0; at < bytes.length; i++) {
            const n = cuts[i % cuts.length] as number;
            blocks.push(...chunker.push(bytes.subarray(at, at + n)));
            at += n;
          }
          const end = chunker.finish();
          blocks.push(...end.blocks);
          expect(Buffer.concat(blocks.map((b) => b.bytes)).equals(Buffer.from(bytes))).toBe(true);
          expect(end.file.sha256).toBe(sha256Hex(bytes));
          expect(end.file.blockCount).toBe(Math.ceil(bytes.length / 4096));
          for (const b of blocks) {
            expect(b.ref.sha256).toBe(sha256Hex(b.bytes));
            expect(b.ref.offsetBytes).toBe(b.ref.blockIndex * 4096);
          }
        },
      ),
      { seed: 99, numRuns: 200 },
    );
  });

  it("gives an empty file no blocks and the empty SHA-256", () => {
    const { blocks, file } = chunkBytes(new Uint8Array(0));
    expect(blocks).toHaveLength(0);
    expect(file.sha256).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("cuts exactly 4 MiB into one block and 4 MiB + 1 into two", () => {
    expect(chunkBytes(new Uint8Array(4 * 1024 * 1024)).blocks).toHaveLength(1);
    const two = chunkBytes(new Uint8Array(4 * 1024 * 1024 + 1)).blocks;
    expect(two.map((b) => b.ref.lengthBytes)).toEqual([4 * 1024 * 1024, 1]);
  });

  it("rejects a block size outside the limits with a code", () => {
    try {
      new BlockChunker(100);
      expect.unreachable();
    } catch (error) {
      expect(isSyncbenchError(error, "CHUNK_BLOCK_SIZE_OUT_OF_RANGE")).toBe(true);
    }
  });
});

describe("changedBlocks", () => {
  it("names modified and new blocks, and treats moved blocks as known", () => {
    const a = new Uint8Array(4096).fill(1);
    const b = new Uint8Array(4096).fill(2);
    const c = new Uint8Array(4096).fill(3);
    const before = chunkBytes(Buffer.concat([a, b]), 4096).blocks.map((x) => x.ref);
    const after = chunkBytes(Buffer.concat([b, c, a]), 4096).blocks.map((x) => x.ref);
    const changed = changedBlocks(before, after);
    expect(changed.map((x) => [x.blockIndex, x.reason])).toEqual([[1, "modified"]]);
    const grown = chunkBytes(Buffer.concat([a, b, c]), 4096).blocks.map((x) => x.ref);
    expect(changedBlocks(before, grown).map((x) => [x.blockIndex, x.reason])).toEqual([[2, "new"]]);
  });
});
