// clean removes only the parts chosen, measures them first, refuses data and logs while the stack
// runs (removing nothing), and keeps a cache that lies outside the stack's folder.
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { clean, cleanTargets, sizeOf } from "./stack-clean.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function stackFolder(): { root: string; repo: string } {
  const repo = mkdtempSync(join(tmpdir(), "syncbench-clean-"));
  dirs.push(repo);
  const root = join(repo, ".syncbench");
  for (const part of ["data/postgres", "logs", "results", "cache/bin"]) {
    mkdirSync(join(root, part), { recursive: true });
    writeFileSync(join(root, part, "f"), "x".repeat(1000));
  }
  return { root, repo };
}

describe("syncbench clean", () => {
  it("removes the chosen parts only, with their sizes, and a dry run removes nothing", () => {
    const { root, repo } = stackFolder();
    const targets = cleanTargets(root, join(root, "cache"), repo);
    const dry = clean(targets, { parts: ["logs"], dryRun: true, running: [], rootDir: root });
    expect(dry).toMatchObject([{ part: "logs", action: "would remove" }]);
    expect(existsSync(join(root, "logs"))).toBe(true);
    const done = clean(targets, {
      parts: ["logs", "results"],
      dryRun: false,
      running: [],
      rootDir: root,
    });
    expect(done.map((o) => o.action)).toEqual(["removed", "removed"]);
    expect(done[0]!.bytes).toBeGreaterThanOrEqual(1000);
    expect(existsSync(join(root, "logs"))).toBe(false);
    expect(existsSync(join(root, "data", "postgres", "f"))).toBe(true);
    expect(
      clean(targets, { parts: ["logs"], dryRun: false, running: [], rootDir: root }),
    ).toMatchObject([{ action: "absent" }]);
  });

  it("refuses data while the stack runs and removes nothing", () => {
    const { root, repo } = stackFolder();
    const targets = cleanTargets(root, join(root, "cache"), repo);
    const request = {
      parts: ["data", "results"] as const,
      dryRun: false,
      running: ["postgres"],
      rootDir: root,
    };
    expect(() => clean(targets, { ...request, parts: [...request.parts] })).toThrow(
      /still runs \(postgres\).*nothing was removed/,
    );
    expect(existsSync(join(root, "data", "postgres", "f"))).toBe(true);
    expect(existsSync(join(root, "results", "f"))).toBe(true);
  });

  it("keeps a shared cache outside the stack's folder, and does not follow links when sizing", () => {
    const { root, repo } = stackFolder();
    const shared = mkdtempSync(join(tmpdir(), "syncbench-shared-cache-"));
    dirs.push(shared);
    writeFileSync(join(shared, "big"), "x".repeat(5000));
    const out = clean(cleanTargets(root, shared, repo), {
      parts: ["cache"],
      dryRun: false,
      running: [],
      rootDir: root,
    });
    expect(out).toMatchObject([{ action: "kept" }]);
    expect(existsSync(join(shared, "big"))).toBe(true);
    const before = sizeOf(join(root, "results"));
    symlinkSync(shared, join(root, "results", "link"));
    // The link adds its own few bytes, not the 5,000 of the folder it points to.
    expect(sizeOf(join(root, "results")) - before).toBeLessThan(1000);
  });
});
