// What the ledger's verdict functions are fed: the design's figures (formats/design.ts, copied
// into a plain object so a test can change one and see a verdict move) and the evidence files
// given on the command line, each recognised by its kind and read by its formats/ reader.
import * as design from "../../formats/design.ts";
import {
  looksLikeDeltaBench,
  parseDeltaBenchFile,
  type DeltaBench,
} from "../../formats/delta-bench.schema.ts";
import {
  editWorkloadsFormat,
  parseEditWorkloadsFile,
  type EditWorkloads,
} from "../../formats/edit-workloads.schema.ts";
import {
  parseProjectionFile,
  projectionFormat,
  type Projection,
} from "../../formats/projection.schema.ts";
import { parseResultsFile, resultsFormat, type Results } from "../../formats/results.schema.ts";
import {
  connectionBenchFormat,
  parseConnectionBenchFile,
  type ConnectionBench,
} from "../../formats/connection-bench.schema.ts";
import {
  parseVariantsFile,
  variantsFormat,
  type VariantsComparison,
} from "../../formats/variants.schema.ts";
import { SyncbenchError } from "../../formats/errors.ts";

/** `as const` data made plain: numbers widened, nothing readonly (tests change figures). */
export type Plain<T> = T extends number
  ? number
  : T extends string
    ? string
    : T extends readonly (infer U)[]
      ? Plain<U>[]
      : { -readonly [K in keyof T]: Plain<T[K]> };

function inputsFromDesign() {
  return {
    blockSizeBytes: design.blockSizeBytes,
    peakRatePerS: design.peakRatePerS,
    downloadsPerUpload: design.downloadsPerUpload,
    peakMix: { ...design.peakMix },
    peakUploadRatePerS: design.peakUploadRatePerS,
    devicesPerUser: {
      min: design.devicesPerUserMin,
      max: design.devicesPerUserMax,
      mean: design.devicesPerUserMean,
    },
    usersCount: design.usersCount,
    usersPerShardCountStated: design.usersPerShardCountStated,
    connectedDevicesCount: design.connectedDevicesCount,
    shardCount: design.shardCount,
    partitionCount: design.partitionCount,
    podCounts: { ...design.podCounts },
    connectionsPerPodCount: design.connectionsPerPodCount,
    memoryBytesPerConnection: design.memoryBytesPerConnection,
    cdnHitRateMin: design.cdnHitRateMin,
    serviceTimeMs: { ...design.serviceTimeMs },
    targets: design.latencyTargets.map((t) => ({
      metric: t.metric,
      latencyMsMax: t.latencyMsMax,
      claims: [...t.claims],
      partOfClaims: [...t.partOfClaims],
      statement: t.statement,
    })),
    stated: structuredClone(design.stated),
  };
}

export type DesignInputs = Plain<ReturnType<typeof inputsFromDesign>>;

/** A fresh copy of the design's figures (change it freely: the module's stays as it is). */
export function designInputs(): DesignInputs {
  return inputsFromDesign() as DesignInputs;
}

/** The design's latency target of `metric`, from the inputs (so a test can move it). */
export function targetMs(d: DesignInputs, metric: string): number {
  const target = d.targets.find((t) => t.metric === metric);
  if (!target) throw new RangeError(`no design latency target "${metric}"`);
  return target.latencyMsMax;
}

export interface Sourced<T> {
  /** The path as given on the command line. */
  readonly source: string;
  readonly data: T;
}

export interface Evidence {
  readonly results: readonly Sourced<Results>[];
  readonly projections: readonly Sourced<Projection>[];
  readonly deltaBench: Sourced<DeltaBench> | undefined;
  readonly editWorkloads: Sourced<EditWorkloads> | undefined;
  /** compare-variants --out: V0/V1/V2 on the stack (C21, C34, C35, C36). */
  readonly variants: Sourced<VariantsComparison> | undefined;
  /** bench:connection-memory --out: one NotificationService's memory per connection (C19). */
  readonly connectionBench: Sourced<ConnectionBench> | undefined;
}

export const noEvidence: Evidence = {
  results: [],
  projections: [],
  deltaBench: undefined,
  editWorkloads: undefined,
  variants: undefined,
  connectionBench: undefined,
};

/** A file as the CLI read it. */
export interface EvidenceFile {
  readonly path: string;
  readonly text: string;
}

const known = [
  resultsFormat.kind,
  projectionFormat.kind,
  editWorkloadsFormat.kind,
  variantsFormat.kind,
  connectionBenchFormat.kind,
  "syncbench.delta-bench",
];

function jsonOf(file: EvidenceFile): unknown {
  try {
    return JSON.parse(file.text) as unknown;
  } catch (error) {
    throw new SyncbenchError(
      "CLAIMS_FILE_INVALID",
      `"${file.path}" is not JSON: ` +
        `${(error as Error).message}; the ledger reads results, projection, delta bench and ` +
        "edit workloads files",
      { cause: error },
    );
  }
}

/**
 * Each file by its kind: results.json (run), projection.json (simulate), bench:delta --json,
 * edit workloads, compare-variants --out, bench:connection-memory --out. A file of another kind,
 * or a second file of a kind read once, is refused (CLAIMS_FILE_INVALID, exit 2); a file that
 * fails its schema, with its reader's code.
 */
export function readEvidence(files: readonly EvidenceFile[]): Evidence {
  const results: Sourced<Results>[] = [];
  const projections: Sourced<Projection>[] = [];
  let deltaBench: Sourced<DeltaBench> | undefined;
  let editWorkloads: Sourced<EditWorkloads> | undefined;
  let variants: Sourced<VariantsComparison> | undefined;
  let connectionBench: Sourced<ConnectionBench> | undefined;
  const once = (what: string, previous: Sourced<unknown> | undefined, path: string) => {
    if (previous) {
      throw new SyncbenchError(
        "CLAIMS_FILE_INVALID",
        `two ${what} files given, ` + `"${previous.source}" and "${path}"; the ledger reads one`,
      );
    }
  };
  for (const file of files) {
    const value = jsonOf(file);
    const kind = (value as { kind?: unknown } | null)?.kind;
    if (kind === resultsFormat.kind) {
      results.push({ source: file.path, data: parseResultsFile(value, `"${file.path}"`) });
    } else if (kind === projectionFormat.kind) {
      projections.push({ source: file.path, data: parseProjectionFile(value, `"${file.path}"`) });
    } else if (looksLikeDeltaBench(value)) {
      once("delta bench", deltaBench, file.path);
      deltaBench = { source: file.path, data: parseDeltaBenchFile(value, `"${file.path}"`) };
    } else if (kind === editWorkloadsFormat.kind) {
      once("edit workloads", editWorkloads, file.path);
      editWorkloads = { source: file.path, data: parseEditWorkloadsFile(value, `"${file.path}"`) };
    } else if (kind === variantsFormat.kind) {
      once("variants comparison", variants, file.path);
      variants = { source: file.path, data: parseVariantsFile(value, `"${file.path}"`) };
    } else if (kind === connectionBenchFormat.kind) {
      once("connection bench", connectionBench, file.path);
      connectionBench = {
        source: file.path,
        data: parseConnectionBenchFile(value, `"${file.path}"`),
      };
    } else {
      throw new SyncbenchError(
        "CLAIMS_FILE_INVALID",
        `"${file.path}" has kind ` +
          `${JSON.stringify(kind) ?? "(missing)"}; the ledger reads ${known.join(", ")}`,
      );
    }
  }
  return { results, projections, deltaBench, editWorkloads, variants, connectionBench };
}
