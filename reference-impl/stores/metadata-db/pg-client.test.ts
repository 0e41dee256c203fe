// Every Postgres client and pool outside tests is made by pg-client.ts, which attaches the 'error'
// listener that keeps a lost connection from ending the process (issue 12). This test reads the
// sources, so a new `new pg.Client(` elsewhere fails here instead of crashing a ChunkService later.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { pgClient, pgPool } from "./pg-client.ts";
import { repoRoot } from "../../stack/stack-config.ts";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === "node_modules" || entry.startsWith(".")) return [];
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("Postgres clients", () => {
  it("are made only in pg-client.ts outside tests (new pg.Client / new pg.Pool / pool.connect)", () => {
    const offenders = ["cli", "reference-impl", "scenarios", "reports"]
      .flatMap((d) => sources(join(repoRoot, d)))
      .filter((f) => !/\.test\.ts$/.test(f) && !f.endsWith("pg-client.ts"))
      .filter((f) =>
        /new pg\.(Client|Pool)\(|\bnew (Client|Pool)\(\{ *connectionString|\bpool\.connect\(\)/.test(
          readFileSync(f, "utf8"),
        ),
      )
      .map((f) => relative(repoRoot, f));
    expect(offenders).toEqual([]);
  });

  it("carry an error listener from the start, on the client and on the pool", async () => {
    const client = pgClient({ connectionString: "postgres://nobody@127.0.0.1:1/none" });
    expect(client.listenerCount("error")).toBe(1);
    client.emit("error", new Error("57P01 terminating connection due to administrator command"));
    const seen: string[] = [];
    const pool = pgPool({ connectionString: "postgres://nobody@127.0.0.1:1/none" }, (e) =>
      seen.push(e.message),
    );
    pool.emit("error", new Error("idle client lost"));
    expect(seen).toEqual(["idle client lost"]);
    await pool.end();
  });
});
