// What --find-knee says saturated first: CPU when a Node process or the machine ran out of it;
// otherwise that no CPU ran out, and which of the services' own parts grew most between the
// last step that held and the failing one; and a warning when a p99 rests on few samples.
import { describe, expect, it } from "vitest";
import { diagnoseKnee, type DiagnosedStep } from "./knee-diagnosis.ts";

const held: DiagnosedStep = {
  ratePerS: 20,
  reasons: [],
  samplesByOperation: { deltaUpload: 400 },
  latencyMsP99ByOperation: { deltaUpload: 90 },
  processes: [{ name: "chunk-service-1", pidsCount: 1, cores: 0.3 }],
  machineBusyCores: 0.8,
  disk: { device: "vda", busyShare: 0.3 },
  serverPartsMsP99: { "s3.write": 50, "s3.read": 20, "metadataDb.commit": 10 },
};

const failing: DiagnosedStep = {
  ...held,
  ratePerS: 40,
  reasons: ["deltaUpload.latencyMsP99 180 > 100 (C09)"],
  latencyMsP99ByOperation: { deltaUpload: 180 },
  processes: [
    { name: "s3", pidsCount: 1, cores: 0.5 },
    { name: "chunk-service-1", pidsCount: 1, cores: 0.4 },
  ],
  machineBusyCores: 1.1,
  serverPartsMsP99: { "s3.write": 140, "s3.read": 25, "metadataDb.commit": 30 },
};

describe("diagnoseKnee", () => {
  it("without a CPU limit names the parts that grew most, largest growth first", () => {
    const lines = diagnoseKnee(failing, held, 2);
    expect(lines[0]).toBe("deltaUpload.latencyMsP99 180 > 100 (C09)");
    expect(lines[1]).toBe(
      "no CPU or disk ran out: the machine kept 1.1 of 2 cores busy, busiest s3 0.5, " +
        "chunk-service-1 0.4 cores; disk vda busy 30 % of the time",
    );
    expect(lines[2]).toBe(
      "server parts whose p99 grew most from 20/s to 40/s: " +
        "s3.write 50.0 -> 140.0 ms, metadataDb.commit 10.0 -> 30.0 ms, s3.read 20.0 -> 25.0 ms",
    );
    expect(lines).toHaveLength(3);
  });

  it("names a Node process near one core, and the machine near all of its cores", () => {
    const hot: DiagnosedStep = {
      ...failing,
      processes: [
        { name: "chunk-service-2", pidsCount: 1, cores: 0.93 },
        { name: "postgres", pidsCount: 6, cores: 0.9 }, // several processes: not one loop
      ],
      machineBusyCores: 1.9,
    };
    const lines = diagnoseKnee(hot, held, 2);
    expect(lines).toContain(
      "CPU: chunk-service-2 used 0.93 cores (its JavaScript runs on one thread)",
    );
    expect(lines.some((l) => l.startsWith("CPU: the machine's 2 cores were 95 % busy"))).toBe(true);
    expect(lines.some((l) => l.startsWith("no CPU"))).toBe(false);
    expect(lines.some((l) => l.includes("postgres used"))).toBe(false);
  });

  it("names a disk with I/O in flight nearly all the time", () => {
    const lines = diagnoseKnee({ ...failing, disk: { device: "vda", busyShare: 0.97 } }, held, 2);
    expect(lines[1]).toBe("disk: vda had I/O in flight 97 % of the time");
    expect(lines.some((l) => l.startsWith("no CPU"))).toBe(false);
  });

  it("with no step that held lists the slowest parts, and warns about a thin p99", () => {
    const thin = { ...failing, samplesByOperation: { deltaUpload: 46 } };
    const lines = diagnoseKnee(thin, undefined, 2);
    expect(lines).toContain(
      "slowest server parts (p99): s3.write 140.0 ms, metadataDb.commit 30.0 ms, s3.read 25.0 ms",
    );
    expect(lines.at(-1)).toMatch(/^deltaUpload's p99 rests on 46 samples \(fewer than 100\)/);
  });

  it("says nothing when no step failed, and no part line without timings", () => {
    expect(diagnoseKnee(undefined, held, 2)).toEqual([]);
    const lines = diagnoseKnee({ ...failing, serverPartsMsP99: null }, held, 2);
    expect(lines.some((l) => l.includes("server parts"))).toBe(false);
  });
});
