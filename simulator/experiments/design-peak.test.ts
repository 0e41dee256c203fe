// The overload note of design-peak: at the design's figures every sized pool has a steady state;
// with a ChunkService CPU per delta upload of 60 ms (what a calibration from the reference
// implementation gives, ~56 ms) 5,000 delta uploads/s offer 300 s of CPU per second to 240
// cores, so the note names the pool, its ρ and the pods that hold ρ ≤ 0.7.
import { describe, expect, it } from "vitest";
import { designDefaults } from "../models/design.ts";
import { overloadNotes } from "./design-peak.ts";

describe("design-peak overload notes", () => {
  it("say nothing at the design's own figures", () => {
    expect(overloadNotes(designDefaults, designDefaults.peakRps)).toEqual([]);
  });

  it("name an overloaded pool with its ρ and the pods that would hold 0.7", () => {
    const params = {
      ...designDefaults,
      service: {
        ...designDefaults.service,
        "chunkService.cpu": { kind: "deterministic", valueS: 0.06 } as const,
      },
    };
    const notes = overloadNotes(params, params.peakRps);
    expect(notes).toHaveLength(1);
    // 25,000 × 0.2 × 0.06 = 300 busy cores on 15 × 16 = 240: ρ = 1.25; 300 / (0.7 × 16) → 27 pods.
    expect(notes[0]).toMatch(
      /^OVERLOADED: chunkService offered ρ = 1\.25 on 15 pods × 16 workers: .* 27 pods hold ρ ≤ 0\.7$/,
    );
  });
});
