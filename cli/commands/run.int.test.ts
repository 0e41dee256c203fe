// `syncbench run` against the real stack, then `calibrate` on what it wrote: delta uploads run
// for real (a small prepare phase), the run snapshots every ChunkService's GET /internal/timings
// at the end of warm-up and at the end, results.serverParts holds the parts the services timed
// in that window, and calibrate turns them into the simulator's parts (s3.read, deltaApply, ...).
// Native provider only (it runs the ChunkService processes). Exit 0 or 4 both pass for the run:
// whether the 100 ms p99 holds on a busy 2-core machine is the run's finding, not this test's.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stackJwtSecret } from "../../reference-impl/stack/stack.test-env.ts";
import type { Calibration } from "../../simulator/calibration/calibration.schema.ts";
import { readResults } from "../../scenarios/measure/results-file.ts";
import { main } from "../main.ts";

const secret = stackJwtSecret();
if (!secret) process.stdout.write("[run] real-stack run skipped: the stack's provider starts no ChunkService\n");

describe.skipIf(!secret)("syncbench run against the real stack", () => {
  it("measures delta uploads and the ChunkServices' own part timings, and calibrate uses them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "syncbench-run-int-"));
    const out = join(dir, "results.json");
    const code = await main(["run", "delta-edit-storm", "--rate", "3", "--duration", "8", "--warmup", "2",
      "--prepare-users", "6", "--no-websocket", "--out", out], { NO_COLOR: "1" });
    expect([0, 4]).toContain(code);
    const results = readResults(out);
    const upload = results.operations.find((o) => o.name === "deltaUpload");
    expect(upload?.status).toBe("measured");
    const ok = upload?.status === "measured" ? upload.counts.ok : 0;
    expect(ok).toBeGreaterThan(0);
    const parts = results.serverParts!;
    expect(parts.excluded).toEqual([]);
    expect(parts.sources.length).toBeGreaterThan(0);
    // One apply, one base read and one block write per delta upload in the window (give or take
    // the uploads in flight when a snapshot was taken), and more than one query each.
    const count = (name: string) => parts.parts[name]?.ms.count ?? 0;
    for (const name of ["chunkService.deltaApply", "s3.read", "s3.write", "metadataDb.commit"]) {
      expect(count(name), name).toBeGreaterThanOrEqual(ok - 3);
      expect(count(name), name).toBeLessThanOrEqual(ok + 3);
    }
    expect(count("metadataDb.query")).toBeGreaterThan(ok);

    expect(await main(["calibrate", out, "-o", join(dir, "calibration.json")], { NO_COLOR: "1" })).toBe(0);
    const calibration = JSON.parse(readFileSync(join(dir, "calibration.json"), "utf8")) as Calibration;
    expect(Object.keys(calibration.parts)).toEqual(expect.arrayContaining(["chunkService.deltaApply", "s3.read", "s3.write"]));
  }, 240_000);
});
