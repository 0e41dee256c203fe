// Unit tests of the wire helpers: varints round-trip and are bounded, zigzag is a bijection on
// small integers, and the file header rejects foreign and out-of-range input with codes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ByteReader,
  ByteWriter,
  readFileHeader,
  unzigzag,
  varintSize,
  writeFileHeader,
  zigzag,
} from "./wire.ts";
import { codeOf } from "./error-code.test-helper.ts";

const limits = { blockSizeBytesMin: 4096, blockSizeBytesMax: 64 << 20 };

describe("varints", () => {
  it("round-trip every safe integer and report their size", () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        const w = new ByteWriter(4);
        w.varint(n);
        const bytes = w.finish();
        expect(bytes.length).toBe(varintSize(n));
        expect(new ByteReader(bytes).varint53("n")).toBe(n);
      }),
      { seed: 5, numRuns: 2000 },
    );
  });

  it("bound block varints to 32 bits and 5 bytes", () => {
    expect(
      codeOf(() => new ByteReader(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x10)).varint("v")),
    ).toBe("DELTA_MALFORMED");
    expect(new ByteReader(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f)).varint("v")).toBe(
      2 ** 32 - 1,
    );
    expect(codeOf(() => new ByteReader(Uint8Array.of(0x80)).varint("v"))).toBe("DELTA_TRUNCATED");
  });

  it("zigzag is a bijection on signed integers", () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 }), (n) => {
        expect(unzigzag(zigzag(n))).toBe(n);
      }),
      { seed: 6, numRuns: 1000 },
    );
    expect([0, -1, 1, -2].map(zigzag)).toEqual([0, 1, 2, 3]);
  });
});

describe("file header", () => {
  it("round-trips and rejects foreign bytes, versions and block sizes", () => {
    const header = { blockSizeBytes: 4 << 20, oldLength: 2 ** 40, newLength: 17 };
    const bytes = writeFileHeader(header);
    expect(readFileHeader(bytes, limits).header).toEqual(header);
    expect(codeOf(() => readFileHeader(Uint8Array.of(1, 2, 3, 4, 5), limits))).toBe(
      "DELTA_BAD_MAGIC",
    );
    const v2 = bytes.slice();
    v2[4] = 2;
    expect(codeOf(() => readFileHeader(v2, limits))).toBe("DELTA_UNSUPPORTED_VERSION");
    const tiny = writeFileHeader({ ...header, blockSizeBytes: 16 });
    expect(codeOf(() => readFileHeader(tiny, limits))).toBe("DELTA_OUT_OF_RANGE");
    expect(codeOf(() => readFileHeader(bytes.subarray(0, 6), limits))).toBe("DELTA_TRUNCATED");
  });
});
