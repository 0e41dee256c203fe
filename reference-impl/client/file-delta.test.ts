// The whole-file delta library on temporary files, without the CLI: a multi-block round trip and
// its stats, empty files, each refusal as its error code with no output left behind, and the file
// safety of issue 21 (no predictable temporary name, outputs that are not regular files, inputs
// that are folders, untrusted header sizes checked before allocating, a full disk).
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as limits from "../core/limits.ts";
import { writeFileHeader } from "../core/wire.ts";
import { applyFileDelta, encodeFileDelta } from "./file-delta.ts";

const dir = mkdtempSync(join(tmpdir(), "syncbench-file-delta-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const p = (name: string) => join(dir, name);
const blockSizeBytes = 4096;
const leftovers = () => readdirSync(dir).filter((f) => f.startsWith("bad-") || f.endsWith(".tmp"));

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

  it("encodes and applies a multi-block edit, counting blocks and bytes", async () => {
    const enc = await encodeFileDelta({
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
    const app = await applyFileDelta({ oldPath: p("old"), deltaPath: p("d"), outPath: p("out") });
    expect(app).toEqual({
      bytesIn: enc.bytesOut,
      bytesOut: newBytes.length,
      blockCount: enc.blockCount,
    });
    expect(readFileSync(p("out")).equals(newBytes)).toBe(true);
    expect(lstatSync(p("out")).mode & 0o777).toBe(0o644);
  });

  it("round-trips empty files", async () => {
    writeFileSync(p("empty"), new Uint8Array(0));
    await encodeFileDelta({ oldPath: p("empty"), newPath: p("empty"), outPath: p("d0") });
    expect(
      await applyFileDelta({ oldPath: p("empty"), deltaPath: p("d0"), outPath: p("out0") }),
    ).toMatchObject({ bytesOut: 0, blockCount: 0 });
  });

  it("refuses with a code and writes nothing", async () => {
    mkdirSync(p("folder"));
    const refusals: Array<[string, () => Promise<unknown>]> = [
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
      // Folders as inputs: a folder opens for reading on Linux and read as "OLD is 4096 B".
      [
        "DELTA_INPUT_NOT_FILE",
        () => applyFileDelta({ oldPath: p("folder"), deltaPath: p("d"), outPath: p("bad-o") }),
      ],
      [
        "DELTA_INPUT_NOT_FILE",
        () => applyFileDelta({ oldPath: p("old"), deltaPath: p("folder"), outPath: p("bad-d") }),
      ],
      [
        "DELTA_INPUT_NOT_FILE",
        () => encodeFileDelta({ oldPath: p("old"), newPath: p("folder"), outPath: p("bad-n") }),
      ],
      [
        "IO_OUTPUT_FOLDER_MISSING",
        () =>
          applyFileDelta({ oldPath: p("old"), deltaPath: p("d"), outPath: p("no-such/bad-out") }),
      ],
    ];
    for (const [code, call] of refusals) {
      await expect(call(), code).rejects.toMatchObject({ code });
    }
    expect(leftovers()).toEqual([]);
  });

  it("never writes through a symbolic link planted at the temporary file's name", async () => {
    // main named it `.<out>.syncbench-<pid>.tmp` and opened it without O_EXCL: a root apply
    // overwrote the link's target.
    writeFileSync(p("victim"), "keep me");
    const planted = p(`.out-planted.syncbench-${process.pid}.tmp`);
    symlinkSync(p("victim"), planted);
    await applyFileDelta({ oldPath: p("old"), deltaPath: p("d"), outPath: p("out-planted") });
    expect(readFileSync(p("victim"), "utf8")).toBe("keep me");
    expect(lstatSync(p("out-planted")).isFile()).toBe(true);
    expect(readFileSync(p("out-planted")).equals(newBytes)).toBe(true);
    expect(lstatSync(planted).isSymbolicLink()).toBe(true);
    rmSync(planted);
  });

  it("refuses an output that exists and is not a regular file, or without --force", async () => {
    writeFileSync(p("victim2"), "keep me too");
    symlinkSync(p("victim2"), p("out-link"));
    execFileSync("mkfifo", [p("out-fifo")]);
    mkdirSync(p("out-dir"));
    writeFileSync(p("out-file"), "previous");
    const apply = (outPath: string, force = false) =>
      applyFileDelta({ oldPath: p("old"), deltaPath: p("d"), outPath, force });
    const refused = ["out-link", "out-fifo", "out-dir"];
    try {
      execFileSync("mknod", [p("out-dev"), "c", "1", "3"], { stdio: "pipe" }); // like /dev/null
      refused.push("out-dev");
    } catch (error) {
      console.warn(`device output case skipped: mknod refused (${String(error)})`);
    }
    for (const name of refused) {
      await expect(apply(p(name), true), name).rejects.toMatchObject({
        code: "IO_OUTPUT_NOT_FILE",
      });
    }
    expect(lstatSync(p("out-link")).isSymbolicLink()).toBe(true);
    expect(lstatSync(p("out-fifo")).isFIFO()).toBe(true);
    if (refused.includes("out-dev")) expect(lstatSync(p("out-dev")).isCharacterDevice()).toBe(true);
    expect(readFileSync(p("victim2"), "utf8")).toBe("keep me too");
    await expect(apply(p("out-file"))).rejects.toMatchObject({ code: "IO_OUTPUT_EXISTS" });
    expect(readFileSync(p("out-file"), "utf8")).toBe("previous");
    await apply(p("out-file"), true);
    expect(readFileSync(p("out-file")).equals(newBytes)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("refuses a crafted header's block size and lengths before allocating", async () => {
    // A 313 B delta declaring 64 MiB blocks against a 200 MB OLD drove apply to 1 GB on main.
    const oldLength = 200_000_000;
    writeFileSync(p("old-sparse"), new Uint8Array(0));
    truncateSync(p("old-sparse"), oldLength);
    const crafted = (
      name: string,
      header: Parameters<typeof writeFileHeader>[0],
      bytes: number,
    ) => {
      writeFileSync(p(name), writeFileHeader(header));
      truncateSync(p(name), bytes);
      return p(name);
    };
    const bigBlocks = crafted(
      "d-64mib",
      {
        blockSizeBytes: 64 * 1024 * 1024,
        oldLength,
        newLength: oldLength,
      },
      313,
    );
    const rssBeforeBytes = process.memoryUsage.rss();
    await expect(
      applyFileDelta({ oldPath: p("old-sparse"), deltaPath: bigBlocks, outPath: p("bad-64") }),
    ).rejects.toMatchObject({ code: "DELTA_OUT_OF_RANGE" });
    expect(process.memoryUsage.rss() - rssBeforeBytes).toBeLessThan(32 * 1024 * 1024);

    const tooLong = crafted(
      "d-long",
      {
        blockSizeBytes: limits.fileDeltaBlockSizeBytesMax,
        oldLength,
        newLength: limits.fileDeltaNewBytesMax + 1,
      },
      313,
    );
    await expect(
      applyFileDelta({ oldPath: p("old-sparse"), deltaPath: tooLong, outPath: p("bad-long") }),
    ).rejects.toMatchObject({ code: "DELTA_OUT_OF_RANGE" });

    // A 1 TiB NEW within the limit, with frames enough to pass the truncation check: the free
    // disk decides (this machine has far less than 1 TiB free).
    const newLength = limits.fileDeltaNewBytesMax;
    const frameCount = newLength / limits.fileDeltaBlockSizeBytesMax;
    const huge = crafted(
      "d-huge",
      {
        blockSizeBytes: limits.fileDeltaBlockSizeBytesMax,
        oldLength,
        newLength,
      },
      64 + frameCount * 40,
    );
    await expect(
      applyFileDelta({ oldPath: p("old-sparse"), deltaPath: huge, outPath: p("bad-huge") }),
    ).rejects.toMatchObject({ code: "IO_DISK_FULL" });
    expect(leftovers()).toEqual([]);
  });
});

describe("file-delta on a full disk", () => {
  const mnt = mkdtempSync(join(tmpdir(), "syncbench-full-disk-"));
  let mounted = false;
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt], { stdio: "pipe" });
    mounted = true;
  } catch (error) {
    // Needs root and a kernel that lets this container mount tmpfs; the test says why it skips.
    console.warn(`full-disk tests skipped: mount -t tmpfs refused (${String(error)})`);
  }
  afterAll(() => {
    if (mounted) execFileSync("umount", [mnt]);
    rmSync(mnt, { recursive: true, force: true });
  });

  it.skipIf(!mounted)("fails with IO_DISK_FULL and removes its temporary file", async () => {
    writeFileSync(p("small-old"), randomBytes(4096));
    writeFileSync(p("big-new"), randomBytes(2 * 1024 * 1024));
    await expect(
      encodeFileDelta({ oldPath: p("small-old"), newPath: p("big-new"), outPath: join(mnt, "d") }),
    ).rejects.toMatchObject({ code: "IO_DISK_FULL" });
    expect(readdirSync(mnt)).toEqual([]);
    await encodeFileDelta({ oldPath: p("small-old"), newPath: p("big-new"), outPath: p("d-big") });
    await expect(
      applyFileDelta({ oldPath: p("small-old"), deltaPath: p("d-big"), outPath: join(mnt, "n") }),
    ).rejects.toMatchObject({ code: "IO_DISK_FULL" });
    expect(readdirSync(mnt)).toEqual([]);
  });
});
