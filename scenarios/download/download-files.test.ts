// The prepared download population: bounded by the prepare bounds, drawn by the scenario's Zipf
// popularity and shared fraction, seeded (the same seed draws the same files), and the shared
// blocks' bytes are the same for every user while private ones differ per run.
import { describe, expect, it } from "vitest";
import { loadScenario } from "../library/index.ts";
import { applyOverrides } from "../run/effective.ts";
import { Random } from "../operations/random.ts";
import { DownloadDraws, privateBlock, sharedBlock, sharedPath } from "./download-files.ts";
import { defaultDownloadPrepareBounds, downloadLayout } from "./download-prepare.ts";

const scenario = applyOverrides(loadScenario("hot-downloads"), { seed: 7 });
const layout = downloadLayout(scenario, defaultDownloadPrepareBounds, "/syncbench/run-a");

describe("download layout and draws", () => {
  it("cut the users and shared blocks at the bounds, under the run's folder", () => {
    expect(layout).toMatchObject({
      usersCount: defaultDownloadPrepareBounds.usersMax,
      sharedCount: defaultDownloadPrepareBounds.sharedBlocksMax,
      privatePerUser: defaultDownloadPrepareBounds.privatePerUser,
      root: "/syncbench/run-a/dl",
    });
    expect(sharedPath(layout, 3, 5)).toBe("/syncbench/run-a/dl/u-3/shared-5.bin");
    const allShared = applyOverrides(scenario, {});
    const shared = { ...allShared, download: { ...allShared.download!, sharedFraction: 1 } };
    expect(downloadLayout(shared, defaultDownloadPrepareBounds, "/r").privatePerUser).toBe(0);
  });

  it("draw shared files at the scenario's fraction, popular ranks first, the same for a seed", () => {
    const draws = (seed: number) => {
      const d = new DownloadDraws(scenario, layout);
      const r = new Random(seed, "operations");
      return Array.from({ length: 4000 }, () => d.download(r).path);
    };
    const paths = draws(1);
    expect(draws(1)).toEqual(paths);
    const shared = paths.filter((p) => p.includes("/shared-"));
    expect(shared.length / paths.length).toBeGreaterThan(0.85);
    expect(shared.length / paths.length).toBeLessThan(0.95);
    const rank = (p: string) => Number(/shared-(\d+)/.exec(p)![1]);
    const top = shared.filter((p) => rank(p) === 0).length;
    const last = shared.filter((p) => rank(p) === layout.sharedCount - 1).length;
    expect(top).toBeGreaterThan(4 * last);
  });

  it("give every user the same shared bytes and each run its own private bytes", () => {
    expect(Buffer.from(sharedBlock(7, 0)).equals(Buffer.from(sharedBlock(7, 0)))).toBe(true);
    expect(Buffer.from(sharedBlock(7, 0)).equals(Buffer.from(sharedBlock(7, 1)))).toBe(false);
    const other = downloadLayout(scenario, defaultDownloadPrepareBounds, "/syncbench/run-b");
    const a = Buffer.from(privateBlock(layout, 1, 0));
    expect(a.equals(Buffer.from(privateBlock(other, 1, 0)))).toBe(false);
  });
});
