// The delta decoder fuzzer's engine: valid block deltas from seeded pairs, mutated (bit flips, byte
// sets, truncation, insertion, deletion, splicing, varint blow-ups), then applied. Every outcome
// must be either a Uint8Array within the target limit or a SyncbenchError with a DELTA_* or
// CHUNK_* code; anything else (a TypeError, a RangeError, an allocation above the limit) is a bug.
import { applyDelta, encodeDelta } from "../delta.ts";
import { isSyncbenchError } from "../errors.ts";
import { applyEdit, editNames, textBytes, type Content } from "../bench/corpus.ts";
import { Rng } from "../random.ts";

export interface FuzzReport {
  readonly iterations: number;
  readonly accepted: number;
  readonly rejectedByCode: Record<string, number>;
}

/** Seed deltas: small blocks of every edit kind so one apply costs microseconds. */
export function seedCases(seed: number): { source: Uint8Array; delta: Uint8Array }[] {
  const rng = new Rng(seed);
  const cases: { source: Uint8Array; delta: Uint8Array }[] = [];
  for (const content of ["random", "text"] as Content[]) {
    for (const edit of editNames) {
      const length = 256 + rng.below(4096);
      const source = content === "random" ? rng.bytes(length) : textish(rng, length);
      const target = applyEdit(rng, content, source, edit);
      cases.push({ source, delta: encodeDelta(source, target) });
      // Uncompressed too, so mutations reach the instruction parser, not only brotli's.
      cases.push({ source, delta: encodeDelta(source, target, { compress: false }) });
    }
  }
  // An all-new compressible block: one ADD of the whole target in a brotli body, the shape the
  // decoder returns as a view of its literal section (DELTA-FORMAT.md, "Decoder").
  for (let k = 0; k < 2; k++) {
    const source = rng.bytes(1024);
    cases.push({ source, delta: encodeDelta(source, textBytes(rng, 2048 + rng.below(2048))) });
  }
  return cases;
}

function textish(rng: Rng, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = 97 + rng.below(6);
  return out;
}

/** Opcode and varint bytes at the edges of their ranges. */
const interesting = [0x00, 0x1f, 0x20, 0x3f, 0x40, 0x60, 0x7f, 0x80, 0xbf, 0xc0, 0xe0, 0xff];

/** One random mutation of `delta`; several may be stacked by the caller. */
export function mutate(rng: Rng, delta: Uint8Array, other: Uint8Array): Uint8Array {
  const at = rng.below(Math.max(1, delta.length));
  const out = delta.slice();
  switch (rng.below(8)) {
    case 0:
      out[at] = (out[at] ?? 0) ^ (1 << rng.below(8));
      return out;
    case 1:
      out[at] = rng.below(256);
      return out;
    case 2:
      return delta.subarray(0, at);
    case 3:
      return concat(delta.subarray(0, at), rng.bytes(1 + rng.below(8)), delta.subarray(at));
    case 4:
      return concat(delta.subarray(0, at), delta.subarray(at + 1 + rng.below(8)));
    case 5:
      return concat(delta.subarray(0, at), other.subarray(rng.below(other.length)));
    case 6:
      return concat(
        delta.subarray(0, at),
        Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x7f),
        delta.subarray(at),
      );
    default:
      out[at] = interesting[rng.below(interesting.length)] as number;
      return out;
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Applies `iterations` mutated deltas; throws on the first outcome that is not allowed. */
export function runFuzz(seed: number, iterations: number): FuzzReport {
  const rng = new Rng(seed);
  const cases = seedCases(seed);
  const rejectedByCode: Record<string, number> = {};
  let accepted = 0;
  const targetBytesMax = 16 * 1024;
  for (let i = 0; i < iterations; i++) {
    const base = cases[rng.below(cases.length)] as { source: Uint8Array; delta: Uint8Array };
    const other = (cases[rng.below(cases.length)] as { delta: Uint8Array }).delta;
    let delta = mutate(rng, base.delta, other);
    for (let k = rng.below(3); k > 0; k--) delta = mutate(rng, delta, other);
    try {
      const out = applyDelta(base.source, delta, { targetBytesMax });
      if (out.length > targetBytesMax) throw new Error(`output ${out.length} B above the limit`);
      accepted++;
    } catch (error) {
      if (!isSyncbenchError(error) || !/^(DELTA|CHUNK)_/.test(error.code)) {
        const hex = Buffer.from(delta).toString("hex");
        throw new Error(
          `fuzz seed ${seed} iteration ${i}: unexpected ${String(error)} for ` +
            `delta ${hex.slice(0, 400)}`,
          { cause: error },
        );
      }
      rejectedByCode[error.code] = (rejectedByCode[error.code] ?? 0) + 1;
    }
  }
  return { iterations, accepted, rejectedByCode };
}
