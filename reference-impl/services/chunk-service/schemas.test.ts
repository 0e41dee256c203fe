// The file path rule of the ChunkService's request schemas: absolute, no NUL, and no segment that is
// empty, "." or ".." (between / or \), so no path synced to a device can leave its folder.
import { describe, expect, it } from "vitest";
import { uploadInitSchema } from "./schemas.ts";

const accepts = (path: string) =>
  uploadInitSchema.safeParse({ path, size: 0, blockHashes: [] }).success;

describe("file path rule", () => {
  it("accepts ordinary absolute paths, dots inside names included", () => {
    for (const p of ["/a", "/docs/notes.txt", "/a/..b/c..", "/.hidden", "/a b/ü.txt"])
      expect(accepts(p), p).toBe(true);
  });

  it("refuses traversal, empty segments, NUL and relative paths", () => {
    for (const p of [
      "/",
      "/../etc/passwd",
      "/a/../../b",
      "/a/./b",
      "/a//b",
      "/a/",
      "/a\\..\\b",
      "/a\u0000b",
      "a",
      "",
    ]) {
      expect(accepts(p), JSON.stringify(p)).toBe(false);
    }
  });
});
