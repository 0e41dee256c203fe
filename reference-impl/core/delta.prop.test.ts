// Property tests (fast-check, fixed seed): applyDelta(s, encodeDelta(s, t)) == t for random
// sources and random edit scripts, and the output never exceeds the raw size plus 16 bytes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyDelta, encodeDelta } from "./delta.ts";

const seed = 424242;

type Edit = { kind: "overwrite" | "insert" | "delete"; at: number; bytes: Uint8Array; n: number };

const editArb: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom("overwrite" as const, "insert" as const, "delete" as const),
  at: fc.nat(),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 300 }),
  n: fc.integer({ min: 1, max: 300 }),
});

function applyEdits(source: Uint8Array, edits: readonly Edit[]): Uint8Array {
  let out = source;
  for (const e of edits) {
    const at = out.length === 0 ? 0 : e.at % (out.length + 1);
    const head = out.subarray(0, at);
    if (e.kind === "insert") out = Buffer.concat([head, e.bytes, out.subarray(at)]);
    if (e.kind === "overwrite")
      out = Buffer.concat([head, e.bytes, out.subarray(at + e.bytes.length)]);
    if (e.kind === "delete") out = Buffer.concat([head, out.subarray(at + e.n)]);
  }
  return new Uint8Array(out);
}

/** Low-entropy sources (few distinct bytes) stress repeated matches and hash collisions. */
const sourceArb = fc.oneof(
  fc.uint8Array({ maxLength: 20_000, size: "max" }),
  fc
    .array(fc.constantFrom(97, 98, 99, 32), { maxLength: 20_000, size: "max" })
    .map((a) => Uint8Array.from(a)),
);

function check(source: Uint8Array, target: Uint8Array): void {
  const delta = encodeDelta(source, target);
  expect(delta.length).toBeLessThanOrEqual(target.length + 16);
  const out = applyDelta(source, delta, { targetBytesMax: target.length });
  expect(Buffer.from(out).equals(Buffer.from(target))).toBe(true);
}

describe("delta round trip properties", () => {
  it("round-trips random edit scripts", () => {
    fc.assert(
      fc.property(sourceArb, fc.array(editArb, { maxLength: 12 }), (source, edits) => {
        check(source, applyEdits(source, edits));
      }),
      { seed, numRuns: 1000 },
    );
  });

  it("round-trips unrelated pairs, prepends and appends", () => {
    fc.assert(
      fc.property(sourceArb, sourceArb, fc.boolean(), (a, b, prepend) => {
        check(a, b);
        check(a, new Uint8Array(prepend ? Buffer.concat([b, a]) : Buffer.concat([a, b])));
      }),
      { seed, numRuns: 250 },
    );
  });

  it("round-trips against a source window of three blocks", () => {
    fc.assert(
      fc.property(
        sourceArb,
        sourceArb,
        sourceArb,
        fc.array(editArb, { maxLength: 4 }),
        (left, middle, right, edits) => {
          const window = new Uint8Array(Buffer.concat([left, middle, right]));
          check(window, applyEdits(new Uint8Array(Buffer.concat([middle, right])), edits));
        },
      ),
      { seed, numRuns: 400 },
    );
  });
});
