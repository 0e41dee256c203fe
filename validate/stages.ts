// The stages of `syncbench validate`, as data: each is one syncbench command (or bench script) run
// in a process of its own, with the files it writes into the run's folder and a time bound. The
// rates are not assumed: the knee stage finds what this machine sustains on the design's mix, and
// the runs after it take their rates from the knee file (ratesFromKnee). Pure: no I/O here.
import type { KneeFile } from "../formats/knee.schema.ts";
import { peakRatePerS } from "../reference-impl/core/design-figures.ts";

export interface ValidateOptions {
  readonly quick: boolean;
  /** The run's folder: every file a stage writes lands here. */
  readonly outDir: string;
  readonly seed: number;
}

/** What a stage runs: the syncbench CLI with arguments, or a bench script under tsx. */
export type StageCommand =
  | { readonly kind: "syncbench"; readonly args: readonly string[] }
  | { readonly kind: "script"; readonly script: string; readonly args: readonly string[] };

export interface Stage {
  readonly name: string;
  /** What is running, in words, for the progress line. */
  readonly what: string;
  readonly command: StageCommand;
  /** The stage's stdout is the file (a --json document); else stdout goes to its log. */
  readonly stdoutTo?: string;
  /** Files of the run folder it reads: missing ones (an earlier stage failed) skip it. */
  readonly needs: readonly string[];
  /** Evidence files it writes, relative to the run folder, for the report and the ledger. */
  readonly evidence: readonly string[];
  readonly timeoutS: number;
  /** Exit codes that still count as done (4: a target missed, which is a finding, not a failure). */
  readonly okExitCodes: readonly number[];
}

/** The rates the runs after the knee use, from what the knee stage found. */
export interface MeasuredRates {
  /** The design-peak mix's sustainable rate here: the knee, or the lowest step tried. */
  readonly mixRatePerS: number;
  /** How the rate was found, for the summary. */
  readonly basis: string;
}

/** The design's peak, the rate `design-peak-25k` asks: runs scale it down to what this machine holds. */
export const designPeakRatePerS = peakRatePerS;

/** Runs go at this share of the knee: at the knee itself p99 sits on the edge by definition. */
export const kneeShare = 0.8;

const kneeStartRatePerS = 10;

export function ratesFromKnee(knee: KneeFile | undefined): MeasuredRates {
  if (knee === undefined)
    return {
      mixRatePerS: kneeStartRatePerS / 2,
      basis: "no knee file (the knee stage failed): half the knee search's first step",
    };
  if (knee.kneeRatePerS === null) {
    return {
      mixRatePerS: kneeStartRatePerS / 2,
      basis: `no step held its targets (the first was ${knee.steps[0]?.ratePerS ?? "?"}/s): half that`,
    };
  }
  return {
    mixRatePerS: Math.max(1, Math.round(knee.kneeRatePerS * kneeShare * 10) / 10),
    basis: `${kneeShare} x the knee of ${knee.kneeRatePerS}/s (${knee.limitedBy})`,
  };
}

const rel = (o: ValidateOptions, file: string) => `${o.outDir}/${file}`;

/** Stages up to and including the knee: they fix the rates the rest runs at. */
export function kneeStages(o: ValidateOptions): Stage[] {
  return [
    {
      name: "knee",
      what: "design-peak-25k's mix: double the rate until a target fails, then bisect",
      command: {
        kind: "syncbench",
        args: [
          "run",
          "design-peak-25k",
          "--find-knee",
          "--knee-start",
          String(kneeStartRatePerS),
          "--duration",
          o.quick ? "5" : "8",
          "--prepare-edits",
          o.quick ? "400" : "1500",
          "--prepare-s",
          o.quick ? "30" : "60",
          "--seed",
          String(o.seed),
          "--out",
          rel(o, "knee.json"),
          "--no-up",
        ],
      },
      needs: [],
      evidence: ["knee.json"],
      timeoutS: o.quick ? 120 : 300,
      okExitCodes: [0, 4],
    },
  ];
}

function runStage(
  o: ValidateOptions,
  scenario: string,
  scale: number,
  durationS: number,
  out: string,
): Stage {
  return {
    name: `run ${scenario}`,
    what: `${scenario} at ${formatRate(scale)} of its rate for ${durationS} s`,
    command: {
      kind: "syncbench",
      args: [
        "run",
        scenario,
        "--scale",
        String(scale),
        "--duration",
        String(durationS),
        "--warmup",
        String(Math.min(5, Math.floor(durationS / 4))),
        "--prepare-edits",
        o.quick ? "400" : "1500",
        "--prepare-s",
        o.quick ? "30" : "60",
        "--seed",
        String(o.seed),
        "--out",
        rel(o, out),
        "--no-up",
      ],
    },
    needs: [],
    evidence: [out],
    timeoutS: durationS + 150,
    okExitCodes: [0, 1, 4],
  };
}

function formatRate(scale: number): string {
  return `${(scale * 100).toPrecision(2)} %`;
}

/** The design-peak run that every later stage reads: its results are the run the gate judges. */
export const gatedResults = "results-design-peak-25k.json";

/** Stages after the knee, at the rates it found. */
export function measureStages(o: ValidateOptions, rates: MeasuredRates): Stage[] {
  const scale = Math.min(1, rates.mixRatePerS / designPeakRatePerS);
  const stages = [runStage(o, "design-peak-25k", scale, o.quick ? 20 : 60, gatedResults)];
  if (!o.quick) {
    // Uploads alone, at the upload rate the mix carried: calibrate's chunkService.cpu needs a
    // run of delta uploads only (the utilisation law).
    stages.push(runStage(o, "delta-edit-storm", scale, 40, "results-delta-edit-storm.json"));
  }
  stages.push({
    name: "compare variants",
    what: "the same edits under V0/V1/V2 on the stack, uploads paced to 100 Mbps",
    command: {
      kind: "syncbench",
      args: [
        "compare-variants",
        // 3 edits a variant with --quick: V0 and V1 wait out a 5 s poll per edit, which made
        // this stage 76 of --quick's 196 s with 5 edits on an idle machine.
        ...(o.quick ? ["--quick", "--edits", "3"] : []),
        "--seed",
        String(o.seed),
        "--out",
        rel(o, variantsFile),
      ],
    },
    needs: [],
    evidence: [variantsFile],
    timeoutS: o.quick ? 420 : 900,
    okExitCodes: [0],
  });
  stages.push({
    name: "connection memory",
    what: "one NotificationService process's RSS per WebSocket connection",
    command: {
      kind: "script",
      script: "reference-impl/services/notification-service/bench/connection-memory.bench.ts",
      args: ["--connections", o.quick ? "2000" : "10000", "--out", rel(o, connectionsFile)],
    },
    needs: [],
    evidence: [connectionsFile],
    timeoutS: o.quick ? 180 : 420,
    okExitCodes: [0],
  });
  return stages;
}

/** Evidence for the ledger only (the report draws neither: reportStages leaves them out). */
const variantsFile = "variants.json";
const connectionsFile = "connection-bench.json";

/** Calibration, projection, the delta and edit evidence, then the report, ledger and gate. */
export function projectStages(o: ValidateOptions): Stage[] {
  const calibrationFrom = o.quick ? gatedResults : "results-delta-edit-storm.json";
  const calibration = rel(o, "calibration.json");
  const experiments = o.quick
    ? ["design-peak", "rolling-deploy"]
    : ["design-peak", "rolling-deploy", "kafka-lag", "cdn-hit-rate", "shard-skew", "gc-backlog"];
  const stages: Stage[] = [
    {
      name: "calibrate",
      what: `fit the simulator's parts to ${calibrationFrom}`,
      command: {
        kind: "syncbench",
        args: ["calibrate", rel(o, calibrationFrom), "-o", calibration],
      },
      needs: [calibrationFrom],
      evidence: ["calibration.json"],
      timeoutS: 60,
      okExitCodes: [0],
    },
  ];
  for (const name of experiments) {
    stages.push({
      name: `simulate ${name}`,
      what: `${name} at the design's scale with this machine's calibration`,
      command: {
        kind: "syncbench",
        args: [
          "simulate",
          name,
          "--calibration",
          calibration,
          "--seed",
          String(o.seed),
          ...(o.quick ? ["--duration-s", "5"] : []),
          "--out",
          rel(o, `${name}.projection.json`),
        ],
      },
      needs: ["calibration.json"],
      evidence: [`${name}.projection.json`],
      timeoutS: o.quick ? 90 : 180,
      okExitCodes: [0, 4],
    });
  }
  stages.push({
    name: "simulate plan",
    what: "size every pool for 700M users x 2.5 devices from the calibration",
    command: {
      kind: "syncbench",
      args: [
        "simulate",
        "plan",
        "--users",
        "700000000",
        "--devices-per-user",
        "2.5",
        "--calibration",
        calibration,
        "--seed",
        String(o.seed),
        ...(o.quick ? ["--replications", "2", "--duration-s", "3"] : []),
        "--out",
        rel(o, "plan.json"),
      ],
    },
    needs: ["calibration.json"],
    evidence: ["plan.json"],
    timeoutS: o.quick ? 120 : 240,
    okExitCodes: [0, 4],
  });
  stages.push({
    name: "bench delta",
    what: "the delta engine beside xdelta3/zstd/bsdiff on the bench's blocks (--quick)",
    command: {
      kind: "script",
      script: "reference-impl/core/bench/delta.bench.ts",
      // The real corpus (npm packages' files) is fetched once; --quick runs the synthetic rows.
      args: o.quick ? ["--quick", "--no-real", "--json"] : ["--quick", "--json"],
    },
    stdoutTo: "delta-bench.json",
    needs: [],
    evidence: ["delta-bench.json"],
    timeoutS: 600,
    okExitCodes: [0, 4],
  });
  stages.push({
    name: "edit workloads",
    what: "delta size by edit type through the core engine",
    command: {
      kind: "syncbench",
      args: ["edit-workloads", "--edits", o.quick ? "4" : "12", "--out", rel(o, "edits.json")],
    },
    needs: [],
    evidence: ["edits.json"],
    timeoutS: 240,
    okExitCodes: [0],
  });
  return stages;
}

/** The last stages read every evidence file the earlier ones wrote (those that exist). */
export function reportStages(o: ValidateOptions, evidence: readonly string[]): Stage[] {
  const files = evidence.map((f) => rel(o, f));
  // The report reads results, knee, calibration, projections and the delta bench; the ledger
  // reads results, projections, the delta bench, the edit workloads, the variants comparison
  // and the connection bench.
  const ledgerOnly = /edits\.json$|variants\.json$|connection-bench\.json$/;
  const neither = /plan\.json$/; // read by the cost stage
  const reportFiles = files.filter((f) => !ledgerOnly.test(f) && !neither.test(f));
  const ledgerFiles = files.filter(
    (f) => !/knee\.json$|calibration\.json$/.test(f) && !neither.test(f),
  );
  return [
    {
      name: "report",
      what: "charts and the one-page HTML report",
      command: { kind: "syncbench", args: ["report", ...reportFiles, "--out", rel(o, "report")] },
      needs: [],
      evidence: [],
      timeoutS: 180,
      okExitCodes: [0],
    },
    {
      name: "claims",
      what: "the claims ledger over every evidence file",
      command: { kind: "syncbench", args: ["claims", ...ledgerFiles, "--json"] },
      stdoutTo: "claims.json",
      needs: [],
      evidence: [],
      timeoutS: 60,
      okExitCodes: [0],
    },
    {
      name: "cost",
      what: "the design's monthly cost per variant for 1M users",
      command: { kind: "syncbench", args: ["cost", "--users", "1000000", "--json"] },
      stdoutTo: "cost.json",
      needs: [],
      evidence: [],
      timeoutS: 60,
      okExitCodes: [0],
    },
    {
      name: "cost of the plan",
      what: "V2 priced at the plan's pod, shard and broker counts (700M users)",
      command: { kind: "syncbench", args: ["cost", "--plan", rel(o, "plan.json"), "--json"] },
      stdoutTo: "cost-plan.json",
      needs: ["plan.json"],
      evidence: [],
      timeoutS: 60,
      okExitCodes: [0],
    },
    {
      name: "gate",
      what: `${gatedResults} against design-peak-25k's targets`,
      command: {
        kind: "syncbench",
        args: [
          "gate",
          rel(o, gatedResults),
          "--targets",
          "design-peak-25k",
          "--junit",
          rel(o, "gate.junit.xml"),
          "--json",
        ],
      },
      stdoutTo: "gate.json",
      needs: [gatedResults],
      evidence: [],
      timeoutS: 60,
      okExitCodes: [0, 4],
    },
  ];
}
