// The planner's commit ids: seeded (same seed and run prefix, same ids) but salted by the run's
// path prefix, so a run repeated with its seed does not reuse the first run's uploadIds (the
// ChunkService answers a reused id with other content 409 COMMIT_ID_REUSED).
import { describe, expect, it } from "vitest";
import { loadScenario } from "../library/index.ts";
import { applyOverrides } from "../run/effective.ts";
import { OperationPlanner } from "./operations.ts";

function uploadIds(prefix: string): string[] {
  const scenario = applyOverrides(loadScenario("smoke"), { seed: 7 });
  const planner = new OperationPlanner(scenario, () => "token", prefix);
  const ids: string[] = [];
  for (let i = 0; i < 200; i++) {
    for (const s of planner.next().steps) {
      if (s.route === "uploadFinalize") ids.push((JSON.parse(Buffer.from(s.body!).toString()) as { uploadId: string }).uploadId);
    }
  }
  return ids;
}

describe("OperationPlanner uploadIds", () => {
  it("are seeded per run prefix and differ between two runs of one seed", () => {
    const first = uploadIds("/syncbench/smoke-a");
    expect(first.length).toBeGreaterThan(10);
    expect(new Set(first).size).toBe(first.length);
    expect(uploadIds("/syncbench/smoke-a")).toEqual(first);
    const second = uploadIds("/syncbench/smoke-b");
    expect(second.filter((id) => first.includes(id))).toEqual([]);
    for (const id of first) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
