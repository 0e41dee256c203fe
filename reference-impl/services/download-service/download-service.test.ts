// The DownloadService API suite on the memory adapters, plus the block URL signature on its own.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../runtime/clock.ts";
import { MemoryBlockStore } from "../../stores/block-store/block-store.memory.ts";
import { MemoryMetadataDb } from "../../stores/metadata-db/metadata-db.memory.ts";
import { blockUrlQuery, verifyBlockUrl } from "./block-url.ts";
import { downloadServiceApiSuite } from "./download-service.api-suite.ts";
import { decodeCursor, encodeCursor } from "./read-files.ts";

downloadServiceApiSuite("memory", async () => ({
  metadataDb: new MemoryMetadataDb(),
  blockStore: new MemoryBlockStore(),
  clock: new ManualClock(1_700_000_000_000),
  presigner: {
    presignGet: async (hash: string, expiresInS: number) =>
      `memory-s3:${hash}?expires=${expiresInS}`,
  },
}));

describe("block URLs", () => {
  const key = "block-url-key-0123456789";
  const hash = "ab".repeat(32);
  const query = (expiresAtS: number, userId = "alice") =>
    new URLSearchParams(blockUrlQuery(key, { hash, userId, expiresAtS }));

  it("verify for the hash, user and expiry they were signed for, until the expiry", () => {
    expect(verifyBlockUrl(key, hash, query(1000), 999_999)).toEqual({
      hash,
      userId: "alice",
      expiresAtS: 1000,
    });
    expect(() => verifyBlockUrl(key, hash, query(1000), 1_000_000)).toThrow(
      expect.objectContaining({ code: "BLOCK_URL_EXPIRED" }),
    );
  });

  it("do not verify under another key, for another block or with a changed expiry", () => {
    expect(() => verifyBlockUrl("other-key-0123456789", hash, query(1000), 0)).toThrow(
      /does not verify/,
    );
    expect(() => verifyBlockUrl(key, "cd".repeat(32), query(1000), 0)).toThrow(/does not verify/);
    const changed = query(1000);
    changed.set("e", "1001");
    expect(() => verifyBlockUrl(key, hash, changed, 0)).toThrow(
      expect.objectContaining({ code: "BLOCK_URL_INVALID" }),
    );
  });

  it("cursors round-trip any path and refuse what the API did not issue", () => {
    for (const path of ["/a", "/é/ü", "/x y+z"])
      expect(decodeCursor(encodeCursor(path))).toBe(path);
    expect(() => decodeCursor("!!")).toThrow(expect.objectContaining({ code: "CURSOR_INVALID" }));
    expect(() => decodeCursor(Buffer.from("p2:/a").toString("base64url"))).toThrow(/not issued/);
  });
});
