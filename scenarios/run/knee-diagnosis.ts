// What saturated first, said from the figures of the failing knee step and the last step that
// held: the missed targets and the driver's own limits first; then CPU (a Node process near one
// core, or the whole machine near its cores) and the disk (I/O in flight nearly all the time),
// or, when nothing ran out, which of the
// services' own parts grew most between the two steps (the S3 write, a Postgres commit...);
// and whether the deciding p99 rests on too few samples to trust. Pure: figures in, lines out.
import type { ProcessCpu } from "../measure/process-cpu.ts";

export const kneeDiagnosisLimits = {
  /** A single-threaded Node process at or above this share of one core is saturated. */
  processCoresMin: 0.85,
  /** The machine is saturated when its busy cores reach this share of its cores. */
  machineBusyShareMin: 0.9,
  /** A disk with I/O in flight for at least this share of the time is saturated. */
  diskBusyShareMin: 0.9,
  /** Below this many samples a p99 is one of the slowest few requests: said so. */
  p99SamplesMin: 100,
  /** Parts named in the growth line. */
  partsShownMax: 3,
} as const;

export interface DiagnosedStep {
  readonly ratePerS: number;
  readonly reasons: readonly string[];
  readonly samplesByOperation: Readonly<Record<string, number>>;
  readonly latencyMsP99ByOperation: Readonly<Record<string, number>>;
  readonly processes: readonly ProcessCpu[];
  readonly machineBusyCores: number;
  readonly disk: { readonly device: string; readonly busyShare: number } | null;
  readonly serverPartsMsP99: Readonly<Record<string, number>> | null;
}

/** Processes whose JavaScript runs on one thread: the ChunkServices and the generator. */
function isSingleLoop(name: string): boolean {
  return /^(chunk-service-\d+|generator)$/.test(name);
}

function cpuLines(step: DiagnosedStep, machineCores: number): string[] {
  const l = kneeDiagnosisLimits;
  const lines = step.processes
    .filter((p) => isSingleLoop(p.name) && p.cores >= l.processCoresMin)
    .map((p) => `CPU: ${p.name} used ${p.cores} cores (its JavaScript runs on one thread)`);
  const share = machineCores > 0 ? step.machineBusyCores / machineCores : 0;
  if (share >= l.machineBusyShareMin) {
    const top = step.processes
      .slice(0, 3)
      .map((p) => `${p.name} ${p.cores}`)
      .join(", ");
    lines.push(
      `CPU: the machine's ${machineCores} cores were ${(share * 100).toFixed(0)} % busy ` +
        `(${step.machineBusyCores} cores; most: ${top})`,
    );
  }
  return lines;
}

function diskLines(step: DiagnosedStep): string[] {
  const d = step.disk;
  if (!d || d.busyShare < kneeDiagnosisLimits.diskBusyShareMin) return [];
  return [`disk: ${d.device} had I/O in flight ${(d.busyShare * 100).toFixed(0)} % of the time`];
}

function idleLine(step: DiagnosedStep, machineCores: number): string {
  const top = step.processes
    .slice(0, 3)
    .map((p) => `${p.name} ${p.cores}`)
    .join(", ");
  const disk = step.disk
    ? `; disk ${step.disk.device} busy ${(step.disk.busyShare * 100).toFixed(0)} % of the time`
    : "";
  return (
    `no CPU or disk ran out: the machine kept ${step.machineBusyCores} of ${machineCores} cores ` +
    `busy, busiest ${top || "none measured"} cores${disk}`
  );
}

function partLines(failing: DiagnosedStep, held: DiagnosedStep | undefined): string[] {
  const now = failing.serverPartsMsP99;
  if (!now) return [];
  const before = held?.serverPartsMsP99 ?? null;
  if (!before) {
    const slowest = Object.entries(now)
      .sort((a, b) => b[1] - a[1])
      .slice(0, kneeDiagnosisLimits.partsShownMax);
    if (slowest.length === 0) return [];
    return [
      `slowest server parts (p99): ${slowest.map(([n, v]) => `${n} ${v.toFixed(1)} ms`).join(", ")}`,
    ];
  }
  const grown = Object.entries(now)
    .filter(([name]) => before[name] !== undefined)
    .map(([name, v]) => ({ name, from: before[name]!, to: v }))
    .sort((a, b) => b.to - b.from - (a.to - a.from))
    .slice(0, kneeDiagnosisLimits.partsShownMax);
  if (grown.length === 0) return [];
  const text = grown
    .map((g) => `${g.name} ${g.from.toFixed(1)} -> ${g.to.toFixed(1)} ms`)
    .join(", ");
  return [
    `server parts whose p99 grew most from ${held!.ratePerS}/s to ${failing.ratePerS}/s: ${text}`,
  ];
}

function sampleLines(step: DiagnosedStep): string[] {
  return Object.entries(step.samplesByOperation)
    .filter(
      ([op, n]) =>
        n < kneeDiagnosisLimits.p99SamplesMin && step.latencyMsP99ByOperation[op] !== undefined,
    )
    .map(
      ([op, n]) =>
        `${op}'s p99 rests on ${n} samples (fewer than ${kneeDiagnosisLimits.p99SamplesMin}): ` +
        `a longer --duration per step gives a firmer knee`,
    );
}

/** The lines of "saturated first" for the first failing step; empty when no step failed. */
export function diagnoseKnee(
  failing: DiagnosedStep | undefined,
  held: DiagnosedStep | undefined,
  machineCores: number,
): string[] {
  if (!failing) return [];
  const limits = [...cpuLines(failing, machineCores), ...diskLines(failing)];
  return [
    ...failing.reasons,
    ...(limits.length > 0 ? limits : [idleLine(failing, machineCores)]),
    ...partLines(failing, held),
    ...sampleLines(failing),
  ];
}
