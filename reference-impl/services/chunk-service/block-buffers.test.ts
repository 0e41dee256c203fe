// The delta path's reused block buffers: a returned buffer is handed out again, the pool keeps at
// most buffersMax idle ones, and a buffer of another size is never kept.
import { describe, expect, it } from "vitest";
import { blockSizeBytes } from "../../core/limits.ts";
import { BlockBuffers } from "./block-buffers.ts";

describe("BlockBuffers", () => {
  it("hands a returned buffer out again and keeps at most buffersMax idle", () => {
    const pool = new BlockBuffers(1);
    const a = pool.take();
    const b = pool.take();
    expect(a.byteLength).toBe(blockSizeBytes);
    pool.give(a);
    pool.give(b);
    expect(pool.idleCount).toBe(1);
    expect(pool.take()).toBe(a);
    pool.give(new Uint8Array(10));
    expect(pool.idleCount).toBe(0);
  });
});
