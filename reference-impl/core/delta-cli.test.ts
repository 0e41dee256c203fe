// End-to-end tests of `syncbench delta encode|apply` (cli/commands/delta.ts) on temporary files:
// multi-block round trips, and that a bad delta exits 1 with a code and leaves no output file.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { Rng } from "./random.ts";

const dir = mkdtempSync(join(tmpdir(), "syncbench-delta-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; out: string[] }> {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => lines.push(s) > 0) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => lines.push(s) > 0) as typeof process.stderr.write;
  try {
    return { code: await main(argv, { NO_COLOR: "1" }), out: lines };
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
}

describe("syncbench delta", () => {
  const rng = new Rng(77);
  const oldBytes = rng.bytes(3 * 8192 + 100);
  const newBytes = Buffer.concat([oldBytes.subarray(0, 9000), rng.bytes(50),
    oldBytes.subarray(9100), rng.bytes(7000)]);
  const p = (name: string) => join(dir, name);
  writeFileSync(p("old"), oldBytes);
  writeFileSync(p("new"), newBytes);

  it("encodes and applies across block boundaries, printing JSON stats", async () => {
    const enc = await run("delta", "encode", p("old"), p("new"), "-o", p("d"), "--block-size",
      "8192", "--json");
    expect(enc.code).toBe(0);
    const stats = JSON.parse(enc.out.join("")) as { bytesIn: number; bytesOut: number; ms: number };
    expect(stats.bytesIn).toBe(newBytes.length);
    expect(stats.bytesOut).toBeLessThan(7000 + 600);
    const app = await run("delta", "apply", p("old"), p("d"), "-o", p("out"), "--json");
    expect(app.code).toBe(0);
    expect(readFileSync(p("out")).equals(newBytes)).toBe(true);
  });

  it("exits 1 on a corrupted, truncated or mismatched delta and writes nothing", async () => {
    const good = readFileSync(p("d"));
    const variants: [string, Uint8Array, string][] = [
      ["flip", Buffer.from(good.map((b, i) => (i === 60 ? b ^ 0x10 : b))), p("old")],
      ["cut", good.subarray(0, good.length - 10), p("old")],
      ["wrong-old", good, p("new")],
    ];
    for (const [name, bytes, oldPath] of variants) {
      writeFileSync(p(`bad-${name}`), bytes);
      const res = await run("delta", "apply", oldPath, p(`bad-${name}`), "-o", p(`out-${name}`));
      expect(res.code, name).toBe(1);
      expect(res.out.join(""), name).toMatch(/\((DELTA|CHUNK)_[A-Z_]+\)/);
    }
    expect(readdirSync(dir).filter((f) => f.startsWith("out-") || f.endsWith(".tmp"))).toEqual([]);
  });

  it("exits 2 on usage errors", async () => {
    expect((await run("delta", "encode", p("old"))).code).toBe(2);
    expect((await run("delta", "encode", p("old"), p("new"), "-o", p("x"), "--block-size", "7"))
      .code).toBe(2);
  });
});
