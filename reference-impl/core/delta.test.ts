// Unit tests of the block delta: round trips of the named edit cases, the exact sizes the format
// promises for them, and the decoder's typed rejection of malformed, truncated and hostile input.
import { brotliCompressSync, deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { applyDelta, encodeDelta } from "./delta.ts";
import { editNames, syntheticPair, type Content } from "./bench/corpus.ts";
import { sha256Hex } from "./hash.ts";
import { codeOf } from "./error-code.test-helper.ts";
import { brotliSettingsFor, sampleRatio } from "./delta-pack.ts";

const mib4 = 4 * 1024 * 1024;

function roundTrip(source: Uint8Array, target: Uint8Array): Uint8Array {
  const delta = encodeDelta(source, target);
  const out = applyDelta(source, delta, {
    targetBytesMax: target.length,
    expectedSha256: sha256Hex(target),
  });
  expect(Buffer.compare(out, target)).toBe(0);
  return delta;
}

describe("encodeDelta / applyDelta round trip", () => {
  for (const content of ["random", "text"] as Content[]) {
    for (const edit of editNames) {
      it(`${content} ${edit} on 256 KiB`, () => {
        const pair = syntheticPair(11, content, edit, 256 * 1024);
        roundTrip(pair.source, pair.target);
      });
    }
  }

  it("handles empty, 1-byte and tiny inputs in every combination", () => {
    const samples = [
      new Uint8Array(0),
      Uint8Array.of(7),
      Uint8Array.of(7, 7, 7, 7, 7),
      Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9),
    ];
    for (const s of samples) for (const t of samples) roundTrip(s, t);
  });

  it("meets the format's size promises on 4 MiB random blocks", () => {
    const size = (edit: (typeof editNames)[number]) => {
      const pair = syntheticPair(3, "random", edit, mib4);
      return roundTrip(pair.source, pair.target).length;
    };
    expect(size("overwrite100")).toBeLessThanOrEqual(128);
    expect(size("insert100")).toBeLessThanOrEqual(128);
    expect(size("delete100")).toBeLessThanOrEqual(28);
    expect(size("scattered10x50")).toBeLessThanOrEqual(610);
    expect(size("prepend1k")).toBeLessThanOrEqual(1036);
    expect(size("unrelated")).toBeLessThanOrEqual(mib4 + 16);
    expect(size("identical")).toBeLessThanOrEqual(10);
  });

  it("finds the shared part of a mostly new block (the unrelated check samples the target)", () => {
    const pair = syntheticPair(13, "random", "unrelated", mib4);
    const target = pair.target.slice();
    target.set(pair.source.subarray(0, 256 * 1024), mib4 - 256 * 1024);
    expect(roundTrip(pair.source, target).length).toBeLessThan(mib4 - 250 * 1024);
  });

  it("round-trips exactly 4 MiB and 4 MiB + 1", () => {
    const pair = syntheticPair(5, "random", "overwrite100", mib4);
    roundTrip(pair.source, pair.target);
    const longer = new Uint8Array(mib4 + 1);
    longer.set(pair.target);
    longer[mib4] = 42;
    roundTrip(pair.source, longer);
  });

  it("sends compressed input as is with at most 16 B overhead", () => {
    const pair = syntheticPair(9, "text", "unrelated", 512 * 1024);
    const gz = deflateRawSync(pair.target);
    expect(roundTrip(pair.source, gz).length).toBeLessThanOrEqual(gz.length + 16);
  });
});

describe("large literal sections (design/decisions/0005)", () => {
  it("compresses an all-new 4 MiB text block at the cheap quality, the same bytes every time", () => {
    const pair = syntheticPair(20240916, "text", "unrelated", mib4);
    const delta = roundTrip(pair.source, pair.target);
    expect(delta[1]! & 15).toBe(3);
    expect(delta.length).toBeLessThan(mib4 * 0.4);
    expect(Buffer.compare(encodeDelta(pair.source, pair.target), delta)).toBe(0);
    const ratio = sampleRatio(pair.target);
    expect(brotliSettingsFor(pair.target.length, ratio).quality).toBe(1);
  });

  it("picks a slower quality only where the estimated output is small enough", () => {
    // Decision 0007: quality 9 up to an estimate of 32 KiB, 6 up to 128 KiB, 5 up to 256 KiB.
    expect(brotliSettingsFor(80 * 1024, 0.4).quality).toBe(9);
    expect(brotliSettingsFor(256 * 1024, 0.4).quality).toBe(6);
    expect(brotliSettingsFor(512 * 1024, 0.4).quality).toBe(5);
    expect(brotliSettingsFor(mib4, undefined).quality).toBe(9);
    const qualities = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.6].map(
      (ratio) => brotliSettingsFor(mib4, ratio).quality,
    );
    expect(qualities).toEqual([5, 4, 4, 3, 3, 1, 1, 1, 1]);
  });
});

describe("a compressed body that is one ADD of the whole target", () => {
  const target = new Uint8Array(100).map((_, i) => i);
  // Split body: varint(ops length) ops varint(offsets length = 0) literals; ADD 100 = 0x23 0x03.
  const delta = (ops: number[], literalCount: number) => {
    const split = Uint8Array.of(
      ops.length,
      ...ops,
      0,
      ...target.subarray(0, literalCount),
      ...new Uint8Array(Math.max(0, literalCount - target.length)),
    );
    return Uint8Array.of(0xd5, 0x13, 100, ...brotliCompressSync(split));
  };
  const apply = (d: Uint8Array) => () => applyDelta(new Uint8Array(0), d, { targetBytesMax: 1024 });

  it("decodes to its literal section", () => {
    expect(Buffer.compare(apply(delta([0x23, 0x03], 100))() as Uint8Array, target)).toBe(0);
  });

  it("rejects a literal section too short or too long, extra ops, an over-long length", () => {
    expect(codeOf(apply(delta([0x23, 0x03], 99)))).toBe("DELTA_TRUNCATED");
    expect(codeOf(apply(delta([0x23, 0x03], 101)))).toBe("DELTA_TRAILING_BYTES");
    expect(codeOf(apply(delta([0x23, 0x03, 0x00], 100)))).toBe("DELTA_TRAILING_BYTES");
    expect(codeOf(apply(delta([0x23, 0x02], 100)))).toBe("DELTA_TRUNCATED");
    expect(codeOf(apply(delta([0x23, 0xff, 0xff, 0xff, 0xff, 0x7f], 100)))).toBe("DELTA_MALFORMED");
  });
});

describe("the split-body fast loop (delta-run.ts) decodes as step() does", () => {
  // A binary-like edit: a 4-byte change every 100 bytes gives hundreds of short copies and adds.
  const source = syntheticPair(33, "random", "identical", 64 * 1024).source;
  const target = source.slice();
  for (let at = 17; at + 4 <= target.length; at += 100) target.fill(at & 0xff, at, at + 4);

  it("rebuilds a many-instruction block from its split body and from its plain body", () => {
    const packed = roundTrip(source, target);
    expect([2, 3]).toContain(packed[1]! & 15);
    const plain = encodeDelta(source, target, { compress: false });
    expect(plain[1]! & 15).toBe(1);
    expect(Buffer.compare(applyDelta(source, plain, { targetBytesMax: mib4 }), target)).toBe(0);
  });

  it("leaves a rejection to step(): same code and message as the plain body", () => {
    const small = new Uint8Array(64);
    // ADD 10, then COPY explicit 90 B at cursor + 500: outside the 64 B source.
    const literals = new Uint8Array(10).fill(7);
    const plain = Uint8Array.of(0xd5, 0x11, 100, 0x09, ...literals, 0xf7, 0x02, 0xe8, 0x07);
    const split = Uint8Array.of(3, 0x09, 0xf7, 0x02, 2, 0xe8, 0x07, ...literals);
    const packed = Uint8Array.of(0xd5, 0x13, 100, ...brotliCompressSync(split));
    const message = (d: Uint8Array) => {
      try {
        applyDelta(small, d, { targetBytesMax: 1024 });
        return "no error";
      } catch (error) {
        return `${codeOf(() => {
          throw error;
        })} ${(error as Error).message}`;
      }
    };
    expect(message(packed)).toMatch(/^DELTA_OUT_OF_RANGE /);
    expect(message(packed)).toBe(message(plain));
  });
});

describe("applyDelta rejects bad deltas with a code", () => {
  const pair = syntheticPair(21, "random", "overwrite100", 64 * 1024);
  const delta = encodeDelta(pair.source, pair.target, { compress: false });
  const apply =
    (d: Uint8Array, max = 128 * 1024) =>
    () =>
      applyDelta(pair.source, d, { targetBytesMax: max });

  it("accepts the unmodified delta", () => {
    expect(codeOf(apply(delta))).toBe("no error");
  });

  it("rejects a wrong magic, version and mode", () => {
    expect(codeOf(apply(Uint8Array.of(0, ...delta.subarray(1))))).toBe("DELTA_BAD_MAGIC");
    expect(codeOf(apply(Uint8Array.of(0xd5, 0x21, ...delta.subarray(2))))).toBe(
      "DELTA_UNSUPPORTED_VERSION",
    );
    expect(codeOf(apply(Uint8Array.of(0xd5, 0x1f, ...delta.subarray(2))))).toBe("DELTA_MALFORMED");
  });

  it("rejects every truncation with a code", () => {
    for (let cut = 0; cut < delta.length; cut++) {
      expect(codeOf(apply(delta.subarray(0, cut)))).toMatch(/^DELTA_/);
    }
  });

  it("rejects trailing bytes", () => {
    expect(codeOf(apply(Uint8Array.of(...delta, 0)))).toBe("DELTA_TRAILING_BYTES");
  });

  it("rejects a target above the limit before allocating", () => {
    expect(codeOf(apply(Uint8Array.of(0xd5, 0x11, 0xff, 0xff, 0xff, 0xff, 0x0f), 1024))).toBe(
      "DELTA_OUT_OF_RANGE",
    );
    expect(codeOf(apply(Uint8Array.of(0xd5, 0x11, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)))).toBe(
      "DELTA_MALFORMED",
    );
  });

  it("rejects copies outside the source and past the target", () => {
    // target 100 B: copy explicit, length code 0 (to end), offset -1 (zigzag 1).
    expect(codeOf(apply(Uint8Array.of(0xd5, 0x11, 100, 0xc0, 0x01)))).toBe("DELTA_OUT_OF_RANGE");
    // target 10 B: copy of 50 B at the cursor.
    expect(codeOf(apply(Uint8Array.of(0xd5, 0x11, 10, 0x40 | 0x20 | 15, 1)))).toBe(
      "DELTA_OUT_OF_RANGE",
    );
    // target 4 B: add 5 literal bytes.
    expect(codeOf(apply(Uint8Array.of(0xd5, 0x11, 4, 4, 1, 2, 3, 4, 5)))).toBe(
      "DELTA_OUT_OF_RANGE",
    );
  });

  it("rejects a decompression bomb within the body limit", () => {
    const bomb = deflateRawSync(new Uint8Array(10 * 1024 * 1024));
    expect(codeOf(apply(Uint8Array.of(0xd5, 0x12, 100, ...bomb)))).toBe("DELTA_CORRUPT");
  });

  it("rejects a deflate dictionary outside the source or longer than 32 KiB", () => {
    // 64 KiB source: dictionary at 65 535 of length 16 ends past it.
    expect(codeOf(apply(Uint8Array.of(0xd5, 0x12, 10, 0xff, 0xff, 0x03, 0x10, 0x00)))).toBe(
      "DELTA_OUT_OF_RANGE",
    );
    // dictionary length 65 536 > 32 KiB.
    expect(codeOf(apply(Uint8Array.of(0xd5, 0x12, 10, 0x00, 0x80, 0x80, 0x04, 0x00)))).toBe(
      "DELTA_OUT_OF_RANGE",
    );
  });

  it("decodes a whole-block copy as a view and still rejects a bad one", () => {
    const src = pair.source;
    const at = (d: number[]) =>
      applyDelta(src, Uint8Array.of(0xd5, 0x11, 0x80, 0x04, ...d), { targetBytesMax: 1024 });
    // target 512 B: copy to end at the cursor (0), then explicit at +100 (zigzag 200 = c8 01).
    expect(Buffer.compare(at([0x40]), src.subarray(0, 512))).toBe(0);
    expect(Buffer.compare(at([0xc0, 0xc8, 0x01]), src.subarray(100, 612))).toBe(0);
    expect(codeOf(() => at([0x40, 0]))).toBe("DELTA_TRAILING_BYTES");
    expect(codeOf(() => at([0xc0, 0xc8, 0x01, 0]))).toBe("DELTA_TRAILING_BYTES");
    expect(codeOf(() => at([0xc0, 0xc8]))).toBe("DELTA_TRUNCATED");
    expect(codeOf(() => at([0xc0, 0xff, 0xff, 0xff, 0xff, 0x7f]))).toBe("DELTA_MALFORMED");
    // offset 65 536 - 100: the copy would end past the 64 KiB source.
    expect(codeOf(() => at([0xc0, 0xb8, 0xfe, 0x07]))).toBe("DELTA_OUT_OF_RANGE");
    expect(
      codeOf(() =>
        applyDelta(src, Uint8Array.of(0xd5, 0x11, 0x80, 0x04, 0x40), {
          targetBytesMax: 1024,
          expectedSha256: "00".repeat(32),
        }),
      ),
    ).toBe("CHUNK_HASH_MISMATCH");
  });

  it("rejects a wrong expected SHA-256", () => {
    expect(
      codeOf(() =>
        applyDelta(pair.source, delta, {
          targetBytesMax: 128 * 1024,
          expectedSha256: "00".repeat(32),
        }),
      ),
    ).toBe("CHUNK_HASH_MISMATCH");
  });
});
