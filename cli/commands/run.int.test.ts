// `syncbench run` against the real stack, then `calibrate` on what it wrote: delta uploads run
// for real (a small prepare phase), the run snapshots every ChunkService's GET /internal/timings
// at the end of warm-up and at the end, results.serverParts holds the parts the services timed
// in that window, and calibrate turns them into the simulator's parts (s3.read, deltaApply, ...).
// Native provider only (it runs the ChunkService processes). Exit 0 or 4 both pass for the run:
// whether the 100 ms p99 holds on a busy 2-core machine is the run's finding, not this test's.
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stackJwtSecret } from "../../reference-impl/stack/stack.test-env.ts";
import type { Calibration } from "../../formats/calibration.schema.ts";
import { checkKnee } from "../../formats/knee.schema.ts";
import { readResults } from "../../scenarios/measure/results-file.ts";
import { main } from "../main.ts";

/** Folders this file made in the system temp folder, removed when it ends. */
const tempDirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
};
afterAll(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const secret = stackJwtSecret();
/** The test's own environment (SYNCBENCH_PORT_OFFSET, SYNCBENCH_PROVIDER): the stack it runs on. */
const env = { ...process.env, NO_COLOR: "1" };
if (!secret)
  process.stdout.write(
    "[run] real-stack run skipped: the stack's provider starts no ChunkService\n",
  );

describe.skipIf(!secret)("syncbench run against the real stack", () => {
  it("measures delta uploads and the ChunkServices' own part timings, and calibrate uses them", async () => {
    const dir = tempDir("syncbench-run-int-");
    const out = join(dir, "results.json");
    // No warm-up: the first timings snapshot is then taken before the load, so every upload of
    // the run falls in the window and the counts below are exact, whatever the machine's load.
    const code = await main(
      [
        "run",
        "delta-edit-storm",
        "--rate",
        "3",
        "--duration",
        "8",
        "--warmup",
        "0",
        "--prepare-users",
        "6",
        "--no-websocket",
        "--out",
        out,
      ],
      env,
    );
    expect([0, 4]).toContain(code);
    const results = readResults(out);
    const upload = results.operations.find((o) => o.name === "deltaUpload");
    expect(upload?.status).toBe("measured");
    const ok = upload?.status === "measured" ? upload.counts.ok : 0;
    const failed = upload?.status === "measured" ? upload.counts.error : 0;
    expect(ok).toBeGreaterThan(0);
    const parts = results.serverParts!;
    expect(parts.excluded).toEqual([]);
    expect(parts.sources.length).toBeGreaterThan(0);
    // One apply, one base read and one block write per delta upload that succeeded, and up to one
    // each for an upload that failed or had not finished (it may have got that far), and more
    // than one query each.
    const count = (name: string) => parts.parts[name]?.ms.count ?? 0;
    for (const name of ["chunkService.deltaApply", "s3.read", "s3.write", "metadataDb.commit"]) {
      expect(count(name), name).toBeGreaterThanOrEqual(ok);
      expect(count(name), name).toBeLessThanOrEqual(ok + failed + results.unfinishedCount);
    }
    expect(count("metadataDb.query")).toBeGreaterThan(ok);

    expect(await main(["calibrate", out, "-o", join(dir, "calibration.json")], env)).toBe(0);
    const calibration = JSON.parse(
      readFileSync(join(dir, "calibration.json"), "utf8"),
    ) as Calibration;
    expect(Object.keys(calibration.parts)).toEqual(
      expect.arrayContaining(["chunkService.deltaApply", "s3.read", "s3.write"]),
    );
    // The ChunkServices reported their CPU, and the window held delta uploads alone: the CPU per
    // upload is a part, and it includes the delta apply, so it is larger than the apply's mean.
    expect(parts.cpuSeconds).toBeGreaterThan(0);
    const cpu = calibration.parts["chunkService.cpu"];
    const applyMs = parts.parts["chunkService.deltaApply"]!.ms.mean;
    expect(cpu?.spec.kind).toBe("lognormal");
    const cpuMs = cpu?.spec.kind === "lognormal" ? Math.exp(cpu.spec.mu) * 1000 : 0;
    expect(cpuMs).toBeGreaterThan(applyMs);
  }, 240_000);
});

describe.skipIf(!secret)("syncbench run of downloads and listings against the real stack", () => {
  it("serves downloads through the block list and the edge, recording the hit ratio and bytes", async () => {
    const dir = tempDir("syncbench-download-int-");
    const scenario = join(dir, "reads.json");
    writeFileSync(
      scenario,
      JSON.stringify({
        name: "reads",
        description: "downloads of shared and private blocks, and listings",
        arrival: { kind: "constant-arrival-rate", ratePerS: 6, durationS: 5, spacing: "poisson" },
        warmupS: 0,
        mix: { download: 0.8, listFolder: 0.2 },
        users: { count: 100, zipfSkew: 0.99 },
        download: { blocksCount: 100, zipfSkew: 0.99, sharedFraction: 0.5 },
        listFolder: { pageSize: 5 },
        seed: 11,
        targets: {},
      }),
    );
    const out = join(dir, "results.json");
    const code = await main(["run", scenario, "--no-websocket", "--out", out], env);
    expect([0, 4]).toContain(code);
    const results = readResults(out);
    const byName = new Map(results.operations.map((o) => [o.name, o]));
    const download = byName.get("download");
    const listing = byName.get("listFolder");
    if (download?.status !== "measured" || listing?.status !== "measured")
      throw new Error(`not measured: ${JSON.stringify(results.operations.map((o) => o.status))}`);
    expect(download.counts.ok).toBeGreaterThan(0);
    expect(download.counts.error).toBe(0);
    // Every download is its block list then one block through the edge: one X-Cache verdict each.
    const cdn = download.transfer?.cdn;
    expect(cdn).not.toBeNull();
    expect(cdn!.hitCount + cdn!.missCount).toBe(download.counts.ok);
    expect(cdn!.bytesFromEdge + cdn!.bytesFromOrigin).toBe(
      (cdn!.hitCount + cdn!.missCount) * 4 * 1024 * 1024,
    );
    // A prepared user holds 18 files; pages of 5 rows make each listing walk 4 pages.
    expect(listing.counts.ok).toBeGreaterThan(0);
    expect(listing.transfer?.responsesCount).toBe(4 * listing.counts.ok);
    expect(listing.transfer?.cdn).toBeNull();
  }, 400_000);
});

describe.skipIf(!secret)("syncbench run --find-knee against the real stack", () => {
  it("states the served share of the mix, CPU per named server and the parts of each step", async () => {
    const dir = tempDir("syncbench-knee-int-");
    // Half the mix is downloads, served by the DownloadService and the edge: the whole mix is served.
    const scenario = join(dir, "knee-mix.json");
    writeFileSync(
      scenario,
      JSON.stringify({
        name: "knee-mix",
        description: "delta uploads and downloads, a low peak",
        arrival: { kind: "constant-arrival-rate", ratePerS: 8, durationS: 4, spacing: "poisson" },
        warmupS: 1,
        mix: { deltaUpload: 0.5, download: 0.5 },
        users: { count: 100, zipfSkew: 0.99 },
        deltaUpload: { editBytesMin: 100, editBytesMax: 100, deltaBytesPerEditByte: 2 },
        download: { blocksCount: 100, zipfSkew: 0.99, sharedFraction: 0.5 },
        seed: 7,
        targets: {
          "deltaUpload.latencyMsP99": { max: 60_000, claims: ["C09"], figure: "lenient" },
        },
      }),
    );
    const out = join(dir, "knee.json");
    const code = await main(
      [
        "run",
        scenario,
        "--find-knee",
        "--knee-start",
        "4",
        "--duration",
        "4",
        "--prepare-users",
        "6",
        "--out",
        out,
      ],
      env,
    );
    expect(code).toBe(0);
    const knee = checkKnee(JSON.parse(readFileSync(out, "utf8")), out);
    expect(knee.servedOperations).toEqual(["deltaUpload", "download"]);
    expect(knee.servedShare).toBe(1);
    expect(knee.steps.map((s) => s.ratePerS)).toEqual([4, 8]);
    expect(knee.kneeRatePerS).toBe(8);
    for (const step of knee.steps) {
      expect(step.servedRatePerS).toBe(step.ratePerS);
      expect(step.samplesByOperation.deltaUpload).toBeGreaterThan(0);
      expect(step.samplesByOperation.download).toBeGreaterThan(0);
      // The stack's servers are named by their recorded pids; the ChunkServices did the work.
      expect(step.processes.some((p) => p.name.startsWith("chunk-service-"))).toBe(true);
      expect(step.machineBusyCores).toBeGreaterThan(0);
      expect(Object.keys(step.serverPartsMsP99 ?? {})).toEqual(
        expect.arrayContaining(["chunkService.deltaApply", "s3.read", "s3.write"]),
      );
    }
  }, 240_000);
});
