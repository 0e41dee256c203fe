// CPU per process tree from /proc snapshots: the stat parser copes with a comm that holds spaces
// and parentheses, children count under their nearest named ancestor, and the machine's busy
// time leaves out idle and iowait. Synthetic snapshots, so the figures are exact.
import { describe, expect, it } from "vitest";
import {
  busiestDisk,
  cpuByName,
  cpuSnapshot,
  machineBusyCores,
  parseDiskIoMs,
  parseMachineBusyTicks,
  parseStat,
  type CpuSnapshot,
  type ProcessStat,
} from "./process-cpu.ts";

function snap(
  rows: [number, ProcessStat][],
  machineBusyTicks = 0,
  disks: [string, number][] = [],
): CpuSnapshot {
  return { processes: new Map(rows), machineBusyTicks, diskIoMs: new Map(disks) };
}

describe("process CPU", () => {
  it("parses a stat line whose comm holds spaces and a parenthesis", () => {
    const line =
      "4242 (node (worker) x) S 4200 4242 4242 0 -1 4194560 1 0 0 0 150 25 0 0 20 0 11 0";
    expect(parseStat(line)).toEqual({ comm: "node (worker) x", ppid: 4200, ticks: 175 });
  });

  it("counts busy ticks of the machine without idle and iowait", () => {
    const text = "cpu  100 5 50 1000 40 3 2 7 0 0\ncpu0 50 2 25 500 20 1 1 3 0 0\n";
    expect(parseMachineBusyTicks(text)).toBe(100 + 5 + 50 + 3 + 2 + 7);
  });

  it("reads io_ticks of whole disks only, and the busiest disk's share of the wall time", () => {
    const text = [
      "   7       0 loop0 5 0 0 0 0 0 0 0 0 900 0",
      " 254       0 vda 103816 10619 5355050 27754 74295 94189 8872344 48085 0 15912 78217",
      " 254       1 vda1 100 0 0 0 0 0 0 0 0 15000 0",
      " 259       0 nvme0n1 1 0 0 0 0 0 0 0 0 40 0",
    ].join("\n");
    expect([...parseDiskIoMs(text)]).toEqual([
      ["vda", 15912],
      ["nvme0n1", 40],
    ]);
    const before = snap([], 0, [
      ["vda", 1_000],
      ["sdb", 0],
    ]);
    const after = snap([], 0, [
      ["vda", 1_500],
      ["sdb", 1_800],
    ]);
    expect(busiestDisk(before, after, 2_000)).toEqual({ device: "sdb", busyShare: 0.9 });
    expect(busiestDisk(snap([]), snap([]), 1_000)).toBeNull();
  });

  it("sums a named server's children under its name and leaves strangers alone", () => {
    const before = snap(
      [
        [10, { comm: "postgres", ppid: 1, ticks: 100 }],
        [11, { comm: "postgres", ppid: 10, ticks: 10 }],
        [20, { comm: "node", ppid: 1, ticks: 0 }],
        [30, { comm: "bash", ppid: 1, ticks: 5 }],
      ],
      1_000,
    );
    const after = snap(
      [
        [10, { comm: "postgres", ppid: 1, ticks: 150 }], // +50
        [11, { comm: "postgres", ppid: 10, ticks: 40 }], // +30
        [12, { comm: "postgres", ppid: 11, ticks: 20 }], // new grandchild, +20
        [20, { comm: "node", ppid: 1, ticks: 90 }], // +90
        [30, { comm: "bash", ppid: 1, ticks: 55 }], // +50, unnamed
      ],
      1_400,
    );
    const names = new Map([
      [10, "postgres"],
      [20, "chunk-service-1"],
    ]);
    const rows = cpuByName(before, after, 2_000, names);
    expect(rows).toEqual([
      { name: "postgres", pidsCount: 3, cores: 0.5 },
      { name: "chunk-service-1", pidsCount: 1, cores: 0.45 },
      { name: "bash (pid 30)", pidsCount: 1, cores: 0.25 },
    ]);
    expect(machineBusyCores(before, after, 2_000)).toBe(2);
  });

  it("reads this machine's /proc: this process is in the snapshot with its parent", () => {
    const s = cpuSnapshot();
    if (process.platform !== "linux") {
      expect(s.processes.size).toBe(0);
      return;
    }
    expect(s.processes.get(process.pid)?.ppid).toBe(process.ppid);
    expect(s.machineBusyTicks).toBeGreaterThan(0);
  });
});
