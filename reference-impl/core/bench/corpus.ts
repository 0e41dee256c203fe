// The seeded synthetic corpus shared by the delta benchmark, the fuzzer and the tests: 4 MiB
// block pairs of random and of text content with the edits of issue 4, drawn from the project's
// one PRNG (../random.ts; an sfc32 of its own until issue 11). Pure: no I/O, no Math.random.
import { blockSizeBytes } from "../limits.ts";
import { Rng } from "../random.ts";

const syllables = [
  "ka",
  "lo",
  "mi",
  "ne",
  "su",
  "ta",
  "ri",
  "po",
  "ve",
  "da",
  "xe",
  "qua",
  "th",
  "ion",
  "ent",
  "ar",
  "el",
  "or",
  "is",
  "un",
  "be",
  "co",
  "de",
  "fi",
  "gra",
  "str",
  "pl",
  "ou",
];

/** English-like text: a seeded vocabulary of 4 096 words, sentences, line breaks. */
export function textBytes(rng: Rng, length: number): Uint8Array {
  const vocabulary: string[] = [];
  const vocab = new Rng(0x5eed);
  for (let i = 0; i < 4096; i++) {
    let word = "";
    const count = 1 + vocab.below(4);
    for (let k = 0; k < count; k++) word += syllables[vocab.below(syllables.length)];
    vocabulary.push(word);
  }
  const parts: string[] = [];
  let size = 0;
  let column = 0;
  while (size < length) {
    const rank = Math.floor(vocabulary.length * rng.uniform() ** 3);
    let word = vocabulary[rank] as string;
    if (rng.below(12) === 0) word += rng.below(3) === 0 ? "." : ",";
    const sep = column > 72 ? "\n" : " ";
    column = sep === "\n" ? 0 : column + word.length + 1;
    parts.push(word, sep);
    size += word.length + 1;
  }
  return new Uint8Array(Buffer.from(parts.join(""), "latin1").subarray(0, length));
}

export type Content = "random" | "text";
export const editNames = [
  "overwrite100",
  "insert100",
  "delete100",
  "scattered10x50",
  "prepend1k",
  "unrelated",
  "identical",
] as const;
export type EditName = (typeof editNames)[number];

export interface Pair {
  readonly name: string;
  readonly source: Uint8Array;
  readonly target: Uint8Array;
}

function fresh(rng: Rng, content: Content, length: number): Uint8Array {
  return content === "random" ? rng.bytes(length) : textBytes(rng, length);
}

function splice(a: Uint8Array, at: number, removeCount: number, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length - removeCount + insert.length);
  out.set(a.subarray(0, at), 0);
  out.set(insert, at);
  out.set(a.subarray(at + removeCount), at + insert.length);
  return out;
}

/** Applies one named edit to `source` at seeded positions. */
export function applyEdit(
  rng: Rng,
  content: Content,
  source: Uint8Array,
  edit: EditName,
): Uint8Array {
  const n = source.length;
  const at = () => rng.below(Math.max(1, n - 100));
  switch (edit) {
    case "overwrite100":
      return splice(source, at(), 100, fresh(rng, content, 100));
    case "insert100":
      return splice(source, at(), 0, fresh(rng, content, 100));
    case "delete100":
      return splice(source, at(), 100, new Uint8Array(0));
    case "prepend1k":
      return splice(source, 0, 0, fresh(rng, content, 1024));
    case "unrelated":
      return fresh(rng, content, n);
    case "identical":
      return source.slice();
    case "scattered10x50": {
      const out = source.slice();
      for (let i = 0; i < 10; i++) {
        const slot = Math.floor(n / 10);
        const width = Math.min(50, slot);
        out.set(fresh(rng, content, width), i * slot + rng.below(slot - width + 1));
      }
      return out;
    }
  }
}

/** One synthetic pair: a fresh `length`-byte block and its edited version, from `seed`. */
export function syntheticPair(
  seed: number,
  content: Content,
  edit: EditName,
  length = blockSizeBytes,
): Pair {
  const rng = new Rng(seed);
  const source = fresh(rng, content, length);
  return { name: `${content}-${edit}`, source, target: applyEdit(rng, content, source, edit) };
}
