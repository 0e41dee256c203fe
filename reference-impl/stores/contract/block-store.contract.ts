// The BlockStore contract, run against the memory adapter (unit) and the S3 adapter on the real
// S3 server (integration): byte-exact round trips checked by SHA-256 (4 MiB included), keys never
// overwritten, content verified against its key, absent keys answered as absent.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { blockSizeBytes } from "../../core/limits.ts";
import type { BlockStore } from "../block-store/block-store.port.ts";
import { sha256Hex, withAdapter } from "./contract-helpers.ts";

export function blockStoreContract(adapterName: string, open: () => Promise<BlockStore>): void {
  describe(`BlockStore contract (${adapterName})`, () => {
    const withStore = withAdapter(open);

    it("a 4 MiB block round-trips byte-exact (SHA-256)", () =>
      withStore(async (store) => {
        const block = randomBytes(blockSizeBytes);
        const hash = sha256Hex(block);
        expect(await store.put(hash, block)).toEqual({ created: true });
        const back = await store.get(hash);
        expect(back?.byteLength).toBe(blockSizeBytes);
        expect(sha256Hex(back as Uint8Array)).toBe(hash);
      }));

    it("small and empty blocks round-trip too", () =>
      withStore(async (store) => {
        for (const block of [new Uint8Array(0), randomBytes(1), randomBytes(4097)]) {
          const hash = sha256Hex(block);
          await store.put(hash, block);
          expect(
            Buffer.from((await store.get(hash)) as Uint8Array).equals(Buffer.from(block)),
          ).toBe(true);
        }
      }));

    it("openRead streams a 4 MiB block byte-exact with its size; an absent key is undefined", () =>
      withStore(async (store) => {
        const block = randomBytes(blockSizeBytes);
        const hash = sha256Hex(block);
        expect(await store.openRead(hash)).toBeUndefined();
        await store.put(hash, block);
        const reader = await store.openRead(hash);
        expect(reader?.sizeBytes).toBe(blockSizeBytes);
        const chunks: Buffer[] = [];
        for await (const chunk of reader!.body) chunks.push(Buffer.from(chunk as Uint8Array));
        expect(sha256Hex(Buffer.concat(chunks))).toBe(hash);
      }));

    it("exists answers for present and absent keys; get of an absent key is undefined", () =>
      withStore(async (store) => {
        const block = randomBytes(64);
        const hash = sha256Hex(block);
        expect(await store.exists(hash)).toBe(false);
        expect(await store.get(hash)).toBeUndefined();
        await store.put(hash, block);
        expect(await store.exists(hash)).toBe(true);
      }));

    it("a key is never overwritten: a second put reports created: false", () =>
      withStore(async (store) => {
        const block = randomBytes(128);
        const hash = sha256Hex(block);
        expect(await store.put(hash, block)).toEqual({ created: true });
        expect(await store.put(hash, block)).toEqual({ created: false });
      }));

    it("content that does not hash to its key is refused and nothing is stored", () =>
      withStore(async (store) => {
        const block = randomBytes(256);
        const wrongKey = sha256Hex(randomBytes(8));
        await expect(store.put(wrongKey, block)).rejects.toMatchObject({
          code: "BLOCK_HASH_MISMATCH",
        });
        expect(await store.exists(wrongKey)).toBe(false);
      }));

    it("rejects malformed keys and oversized blocks", () =>
      withStore(async (store) => {
        await expect(store.get("../etc/passwd")).rejects.toMatchObject({
          code: "BLOCK_KEY_INVALID",
        });
        const big = new Uint8Array(blockSizeBytes + 1);
        await expect(store.put(sha256Hex(big), big)).rejects.toMatchObject({
          code: "BLOCK_TOO_LARGE",
        });
      }));

    it("a put the caller verified still checks the key and the size, and never overwrites", () =>
      withStore(async (store) => {
        const block = randomBytes(64);
        const hash = sha256Hex(block);
        const verified = { contentVerified: true };
        expect(await store.put(hash, block, verified)).toEqual({ created: true });
        expect(await store.put(hash, block, verified)).toEqual({ created: false });
        expect(sha256Hex((await store.get(hash)) ?? new Uint8Array())).toBe(hash);
        await expect(store.put("not-a-key", block, verified)).rejects.toMatchObject({
          code: "BLOCK_KEY_INVALID",
        });
        const big = new Uint8Array(blockSizeBytes + 1);
        await expect(store.put(sha256Hex(big), big, verified)).rejects.toMatchObject({
          code: "BLOCK_TOO_LARGE",
        });
      }));

    it("delete removes a block and deleting an absent key is not an error", () =>
      withStore(async (store) => {
        const block = randomBytes(32);
        const hash = sha256Hex(block);
        await store.put(hash, block);
        await store.delete(hash);
        expect(await store.exists(hash)).toBe(false);
        await store.delete(hash);
      }));

    it("deleteMany removes blocks in one call; absent keys are not an error", () =>
      withStore(async (store) => {
        const blocks = [randomBytes(8), randomBytes(9)];
        const hashes = blocks.map(sha256Hex);
        for (const [i, block] of blocks.entries()) await store.put(hashes[i] as string, block);
        await store.deleteMany([...hashes, sha256Hex(randomBytes(7))]);
        for (const hash of hashes) expect(await store.exists(hash)).toBe(false);
        await store.deleteMany([]);
        await expect(store.deleteMany(["nope"])).rejects.toMatchObject({
          code: "BLOCK_KEY_INVALID",
        });
      }));

    it("list pages through stored blocks in key order, each with when it was stored", () =>
      withStore(async (store) => {
        const blocks = [randomBytes(16), randomBytes(16), randomBytes(16)];
        const hashes = blocks.map(sha256Hex);
        const before = Date.now() - 60_000;
        for (const [i, block] of blocks.entries()) await store.put(hashes[i] as string, block);
        const seen: string[] = [];
        for (let after = ""; ;) {
          const page = await store.list(after, 2);
          for (const o of page) {
            expect(o.lastModifiedMs).toBeGreaterThan(before);
            seen.push(o.hash);
          }
          if (page.length < 2) break;
          after = page[page.length - 1]?.hash as string;
        }
        expect(seen).toEqual([...seen].sort());
        expect(seen).toEqual(expect.arrayContaining(hashes));
        await store.delete(hashes[0] as string);
        expect((await store.list("", 1000)).map((o) => o.hash)).not.toContain(hashes[0]);
        await expect(store.list("", 0)).rejects.toMatchObject({ code: "BLOCK_LIST_INVALID" });
        await expect(store.list("zz", 1)).rejects.toMatchObject({ code: "BLOCK_KEY_INVALID" });
      }));
  });
}
