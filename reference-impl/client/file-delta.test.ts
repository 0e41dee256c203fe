// The whole-file delta library on temporary files, without the CLI: a multi-block round trip and
// its stats, empty files, and each refusal as its error code with no output left behind.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applyFileDelta, encodeFileDelta } from "./file-delta.ts";

const dir = mkdtempSync(join(tmpdir(), "syncbench-file-delta-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const p = (name: string) => join(dir, name);
const blockSizeBytes = 4096;

describe("file-delta", () => {
  const oldBytes = randomBytes(5 * blockSizeBytes + 17);
  const newBytes = Buffer.concat([
    oldBytes.subarray(0, 6000),
    randomBytes(40),
    oldBytes.subarray(6100),
    randomBytes(3000),
  ]);
  writeFileSync(p("old"), oldBytes);
  writeFileSync(p("new"), newBytes);

  it("encodes and applies a multi-block edit, counting blocks and bytes", () => {
    const enc = encodeFileDelta({
      oldPath: p("old"),
      newPath: p("new"),
      outPath: p("d"),
      blockSizeBytes,
    });
    expect(enc).toEqual({
      bytesIn: newBytes.length,
      bytesOut: readFileSync(p("d")).length,
      blockCount: Math.ceil(newBytes.length / blockSizeBytes),
    });
    expect(enc.bytesOut).toBeLessThan(newBytes.length / 2);
    const app = applyFileDelta({ oldPath: p("old"), deltaPath: p("d"), outPath: p("out") });
    expect(app).toEqual({
      bytesIn: enc.bytesOut,
      bytesOut: newBytes.length,
      blockCount: enc.blockCount,
    });
    expect(readFileSync(p("out")).equals(newBytes)).toBe(true);
  });

  it("round-trips empty files", () => {
    writeFileSync(p("empty"), new Uint8Array(0));
    encodeFileDelta({ oldPath: p("empty"), newPath: p("empty"), outPath: p("d0") });
    expect(
      applyFileDelta({ oldPath: p("empty"), deltaPath: p("d0"), outPath: p("out0") }),
    ).toMatchObject({ bytesOut: 0, blockCount: 0 });
  });

  it("refuses with a code and writes nothing", () => {
    const refusals: Array<[string, () => unknown]> = [
      [
        "DELTA_OPTIONS_INVALID",
        () =>
          encodeFileDelta({
            oldPath: p("old"),
            newPath: p("new"),
            outPath: p("bad-size"),
            blockSizeBytes: 7,
          }),
      ],
      [
        "DELTA_INPUT_UNREADABLE",
        () => encodeFileDelta({ oldPath: p("absent"), newPath: p("new"), outPath: p("bad-input") }),
      ],
      [
        "DELTA_SOURCE_MISMATCH",
        () => applyFileDelta({ oldPath: p("new"), deltaPath: p("d"), outPath: p("bad-old") }),
      ],
      [
        "DELTA_BAD_MAGIC",
        () => applyFileDelta({ oldPath: p("old"), deltaPath: p("new"), outPath: p("bad-magic") }),
      ],
    ];
    for (const [code, call] of refusals)
      expect(call, code).toThrow(expect.objectContaining({ code }));
    expect(readdirSync(dir).filter((f) => f.startsWith("bad-") || f.endsWith(".tmp"))).toEqual([]);
  });
});
