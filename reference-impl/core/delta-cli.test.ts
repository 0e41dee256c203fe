// End-to-end tests of `syncbench delta encode|apply` (cli/commands/delta.ts) on temporary files:
// multi-block round trips, that a bad delta, a folder as input, a missing output folder or an
// existing output exits 1 with a code and no stack trace and leaves no output file, and that
// SIGTERM during apply removes the temporary file.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  watch,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { encodeFileDelta } from "../client/file-delta.ts";
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
  const newBytes = Buffer.concat([
    oldBytes.subarray(0, 9000),
    rng.bytes(50),
    oldBytes.subarray(9100),
    rng.bytes(7000),
  ]);
  const p = (name: string) => join(dir, name);
  writeFileSync(p("old"), oldBytes);
  writeFileSync(p("new"), newBytes);

  it("encodes and applies across block boundaries, printing JSON stats", async () => {
    const enc = await run(
      "delta",
      "encode",
      p("old"),
      p("new"),
      "-o",
      p("d"),
      "--block-size",
      "8192",
      "--json",
    );
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
    expect(
      (await run("delta", "encode", p("old"), p("new"), "-o", p("x"), "--block-size", "7")).code,
    ).toBe(2);
  });

  it("exits 1 with a code and no stack trace on unusable inputs and outputs", async () => {
    mkdirSync(p("folder"));
    writeFileSync(p("existing"), "previous");
    const cases: [string, string[]][] = [
      ["DELTA_INPUT_NOT_FILE", ["apply", p("old"), p("folder"), "-o", p("out-a")]],
      ["DELTA_INPUT_NOT_FILE", ["apply", p("folder"), p("d"), "-o", p("out-b")]],
      ["DELTA_INPUT_NOT_FILE", ["encode", p("old"), p("folder"), "-o", p("out-c")]],
      ["IO_OUTPUT_FOLDER_MISSING", ["apply", p("old"), p("d"), "-o", p("none/out-d")]],
      ["IO_OUTPUT_EXISTS", ["apply", p("old"), p("d"), "-o", p("existing")]],
      ["IO_OUTPUT_NOT_FILE", ["apply", p("old"), p("d"), "-o", p("folder"), "--force"]],
    ];
    for (const [code, args] of cases) {
      const res = await run("delta", ...args);
      const text = res.out.join("");
      expect(res.code, code).toBe(1);
      expect(text, code).toContain(`(${code})`);
      expect(text, code).not.toMatch(/unexpected error|\n\s+at /);
    }
    expect(readFileSync(p("existing"), "utf8")).toBe("previous");
    expect(
      (await run("delta", "apply", p("old"), p("d"), "-o", p("existing"), "--force")).code,
    ).toBe(0);
    expect(readFileSync(p("existing")).equals(newBytes)).toBe(true);
  });

  it("removes its temporary file when SIGTERM arrives during apply", async () => {
    // Large enough that apply is still writing when the temporary file appears: the test fails
    // (exit 0 instead of 1) rather than passing without a signal if it ever is not.
    const big = join(dir, "sig");
    mkdirSync(big);
    writeFileSync(join(big, "old"), randomBytes(96 * 1024 * 1024));
    await encodeFileDelta({
      oldPath: join(big, "old"),
      newPath: join(big, "old"),
      outPath: join(big, "d"),
    });
    const bin = fileURLToPath(new URL("../../bin/syncbench.mjs", import.meta.url));
    const watcher = watch(big);
    const tempSeen = new Promise<string>((resolve) => {
      watcher.on("change", (_event, name) => {
        if (String(name).endsWith(".tmp")) resolve(String(name));
      });
    });
    const child = spawn(
      process.execPath,
      [bin, "delta", "apply", join(big, "old"), join(big, "d"), "-o", join(big, "out")],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    const exited = once(child, "exit");
    try {
      await Promise.race([tempSeen, exited]);
      child.kill("SIGTERM");
      const [code] = (await exited) as [number | null];
      expect(stderr).toContain("(IO_INTERRUPTED)");
      expect(code).toBe(1);
    } finally {
      clearTimeout(timer);
      watcher.close();
    }
    expect(readdirSync(big).sort()).toEqual(["d", "old"]);
  }, 90_000);
});
