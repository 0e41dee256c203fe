// Edit workloads for C03 and C08: realistic edit sequences replayed through the core delta
// engine, so "typical" is a distribution, not one case. Four families: document text edits
// (insert, replace, delete a few words: fixed 4 MiB blocks shift after an insert), log appends,
// in-place database page updates (8 KiB pages, a row and the page's LSN), and re-saves of a
// compressed document (deflate after a small text edit). For each edit: the bytes changed, the
// blocks whose SHA-256 changed (what block-level sync re-uploads whole) and the deltas of those
// blocks against the same block's old version (what delta sync sends). Seeded; pure but for zlib.
import { deflateRawSync } from "node:zlib";
import { encodeDelta } from "../delta.ts";
import { sha256Hex } from "../hash.ts";
import { blockSizeBytes } from "../limits.ts";
import { Rng } from "../random.ts";
import { textBytes } from "./corpus.ts";

export const editWorkloadLimits = { editsMin: 1, editsMax: 200 } as const;

export interface EditSample {
  changedBytes: number;
  changedBlocksCount: number;
  deltaBytes: number;
  wholeBlocksBytes: number;
}

export interface EditWorkload {
  name: string;
  family: "document" | "log" | "database" | "compressed";
  description: string;
  fileBytes: number;
  samples: EditSample[];
}

function splice(a: Uint8Array, at: number, removeCount: number, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length - removeCount + insert.length);
  out.set(a.subarray(0, at), 0);
  out.set(insert, at);
  out.set(a.subarray(at + removeCount), at + insert.length);
  return out;
}

function changedBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  let count = Math.abs(a.length - b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) count++;
  return count;
}

/** One edit measured: old and new file split into fixed blocks, changed blocks delta-encoded. */
export function measureEdit(
  before: Uint8Array,
  after: Uint8Array,
  blockBytes = blockSizeBytes,
): EditSample {
  let changedBlocksCount = 0;
  let deltaBytes = 0;
  let wholeBlocksBytes = 0;
  for (let at = 0; at < after.length; at += blockBytes) {
    const next = after.subarray(at, at + blockBytes);
    const prev = before.subarray(at, Math.min(before.length, at + blockBytes));
    if (prev.length === next.length && sha256Hex(prev) === sha256Hex(next)) continue;
    changedBlocksCount++;
    wholeBlocksBytes += next.length;
    deltaBytes += prev.length === 0 ? next.length : encodeDelta(prev, next).length;
  }
  return {
    changedBytes: changedBytes(before, after),
    changedBlocksCount,
    deltaBytes,
    wholeBlocksBytes,
  };
}

type Step = (rng: Rng, file: Uint8Array) => Uint8Array;

const documentEdit: Step = (rng, file) => {
  const at = rng.below(file.length);
  const words = textBytes(rng, 5 + rng.below(200));
  const kind = rng.below(3);
  if (kind === 0) return splice(file, at, 0, words); // typing
  if (kind === 1) return splice(file, at, Math.min(words.length, file.length - at), words);
  return splice(file, at, Math.min(1 + rng.below(100), file.length - at), new Uint8Array(0));
};

const logAppend: Step = (rng, file) => {
  const lines = 1 + rng.below(20);
  const text = Array.from(
    { length: lines },
    (_, i) =>
      `2024-12-01T00:00:${String(i % 60).padStart(2, "0")}Z INFO request id=${rng.below(1e9)} ` +
      `status=200 ms=${rng.below(500)}\n`,
  ).join("");
  return splice(file, file.length, 0, new TextEncoder().encode(text));
};

const pageBytes = 8192;
const pageUpdate: Step = (rng, file) => {
  const out = file.slice();
  const pages = 1 + rng.below(5);
  for (let i = 0; i < pages; i++) {
    const page = rng.below(Math.floor(file.length / pageBytes)) * pageBytes;
    out.set(rng.bytes(8), page); // the page header's log sequence number
    const rowBytes = 100 + rng.below(300);
    out.set(rng.bytes(rowBytes), page + 64 + rng.below(pageBytes - 64 - rowBytes));
  }
  return out;
};

interface Family {
  name: string;
  family: EditWorkload["family"];
  description: string;
  start: (rng: Rng) => Uint8Array;
  step: Step;
  compressed?: boolean;
}

const families: readonly Family[] = [
  {
    name: "document-text",
    family: "document",
    description: "6 MiB text: insert, replace or " + "delete 1-200 bytes at a random place",
    start: (r) => textBytes(r, 6 * 1024 * 1024),
    step: documentEdit,
  },
  {
    name: "log-append",
    family: "log",
    description: "3 MiB log: append 1-20 lines",
    start: (r) => textBytes(r, 3 * 1024 * 1024),
    step: logAppend,
  },
  {
    name: "database-pages",
    family: "database",
    description: "8 MiB of 8 KiB pages: 1-5 pages " + "updated in place (LSN + a 100-400 B row)",
    start: (r) => r.bytes(8 * 1024 * 1024),
    step: pageUpdate,
  },
  {
    name: "compressed-resave",
    family: "compressed",
    description: "a 3 MiB text document " + "edited as document-text, saved deflate-compressed",
    start: (r) => textBytes(r, 3 * 1024 * 1024),
    step: documentEdit,
    compressed: true,
  },
];

/** Every family's edit sequence from `seed`, `edits` edits each. */
export function runEditWorkloads(seed: number, edits: number): EditWorkload[] {
  const root = new Rng(seed);
  return families.map((f) => {
    const rng = root.fork(f.name);
    const save = (plain: Uint8Array) =>
      f.compressed ? new Uint8Array(deflateRawSync(plain)) : plain;
    let plain = f.start(rng);
    let saved = save(plain);
    const samples: EditSample[] = [];
    for (let i = 0; i < edits; i++) {
      plain = f.step(rng, plain);
      const next = save(plain);
      samples.push(measureEdit(saved, next));
      saved = next;
    }
    return {
      name: f.name,
      family: f.family,
      description: f.description,
      fileBytes: saved.length,
      samples,
    };
  });
}
