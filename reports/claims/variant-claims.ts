// The ledger's measured parts from the variants comparison (`syncbench compare-variants --out`:
// V0/V1/V2 as flags of the same stack, uploads paced to the design's 100 Mbps) and from the
// connection bench (`npm run bench:connection-memory -- --out`: one NotificationService
// process's RSS as devices attach). Each compares a measured figure with the design's, read at
// its precision (verdict.ts), and carries its sample count: the comparison's percentiles are
// nearest rank over few edits (p99 of 20 is their maximum). Pure: the CLI reads the files.
import type { VariantRun } from "../../formats/variants.schema.ts";
import { targetMs, type DesignInputs, type Evidence } from "./inputs.ts";
import { fmt, notMeasured, statedInterval, verdictOf, type Part } from "./verdict.ts";

export const variantsFile =
  "a variants comparison: npx syncbench compare-variants --quick --out variants.json";
export const connectionBenchFile =
  "a connection bench: npm run -s bench:connection-memory -- --out connection-bench.json";

type Name = VariantRun["variant"];

function runsOf(e: Evidence, names: readonly Name[]) {
  const file = e.variants;
  if (!file) return undefined;
  const runs = names.map((n) => file.data.runs.find((r) => r.variant === n));
  if (runs.some((r) => r === undefined)) return { missing: true as const, source: file.source };
  return { missing: false as const, runs: runs as VariantRun[], file };
}

function needs(e: Evidence, names: readonly Name[]) {
  const found = runsOf(e, names);
  if (!found) return { part: notMeasured("measured", variantsFile) };
  if (found.missing) {
    return {
      part: notMeasured(
        "measured",
        `a variants comparison with ${names.join(", ")} (${found.source} lacks one)`,
      ),
    };
  }
  return { runs: found.runs, file: found.file };
}

const seconds = (ms: number | null) => (ms === null ? Number.NaN : ms / 1000);
const samples = (runs: readonly VariantRun[], pick: (r: VariantRun) => number) =>
  runs.map((r) => `${r.variant} ${pick(r)} edits`).join(", ");

/** C34 on the stack: V0 seconds per GB (80 s+), V1 changed-block p50 (0.3 s), V2 delta p99. */
export function c34(d: DesignInputs, e: Evidence): Part {
  const got = needs(e, ["V0", "V1", "V2"]);
  if (!got.runs) return got.part;
  const [v0, v1, v2] = got.runs as [VariantRun, VariantRun, VariantRun];
  const c34 = d.stated.C34;
  const fileGB = got.file.data.fileBytes / 1e9;
  const v0SPerGB = seconds(v0.upload.latencyMs.p50) / fileGB;
  const v1S = seconds(v1.upload.latencyMs.p50);
  const v2S = seconds(v2.upload.latencyMs.p99);
  const v2Max = targetMs(d, "deltaUpload.latencyMsP99") / 1000;
  const v0Ok = v0SPerGB >= statedInterval(c34.v0UploadSMin).low;
  const v1Ok = v1S < statedInterval(c34.v1UploadS).high;
  const v2Ok = v2S <= v2Max;
  return {
    method: "measured",
    verdict: verdictOf(v0Ok && v1Ok && v2Ok),
    figures: [
      `V0 ${fmt(v0SPerGB)} s per GB (p50 ${fmt(seconds(v0.upload.latencyMs.p50))} s for ` +
        `${fmt(fileGB * 1000)} MB)`,
      `V1 p50 ${fmt(v1S)} s`,
      `V2 p99 ${fmt(v2S)} s`,
    ],
    steps: [
      `uploads paced in the client to ${v0.flags.linkMbps} Mbps (V0), ${v1.flags.linkMbps} ` +
        `(V1), ${v2.flags.linkMbps} (V2): measured with the link in place, not scaled`,
      `V0: ${fmt(seconds(v0.upload.latencyMs.p50))} s / ${fmt(fileGB)} GB = ${fmt(v0SPerGB)} s ` +
        `per GB against ${c34.v0UploadSMin} s+ ` +
        `(holds at ${fmt(statedInterval(c34.v0UploadSMin).low)} ` +
        "or more; a small file's fixed costs weigh more per GB than a 1 GB file's) " +
        (v0Ok ? "holds" : "fails"),
      `V1: one changed block, p50 ${fmt(v1S)} s against ~${c34.v1UploadS} s ` +
        `(holds below ${fmt(statedInterval(c34.v1UploadS).high)} s) ${v1Ok ? "holds" : "fails"}`,
      `V2: a delta, p99 ${fmt(v2S)} s against < ${fmt(v2Max)} s ${v2Ok ? "holds" : "fails"}`,
    ],
    samples: samples(got.runs, (r) => r.upload.latencyMs.samplesCount) + " (nearest rank)",
    sources: [
      `${got.file.source}: runs[V0,V1,V2].upload.latencyMs, fileBytes ` +
        `(${got.file.data.scenario}, seed ${got.file.data.seed})`,
    ],
  };
}

/** C36 on the stack: each variant's notification delay p99 against its stated bound. */
export function c36(d: DesignInputs, e: Evidence): Part {
  const got = needs(e, ["V0", "V1", "V2"]);
  if (!got.runs) return got.part;
  const bounds: Record<Name, number> = {
    V0: d.stated.C36.syncDelaySMax.V0,
    V1: d.stated.C36.syncDelaySMax.V1,
    V2: targetMs(d, "notification.freshnessMsP99") / 1000,
  };
  const rows = got.runs.map((r) => {
    const p99 = seconds(r.notification.delayMs.p99);
    const ok = r.notification.missedCount === 0 && p99 <= bounds[r.variant];
    return { r, p99, ok };
  });
  return {
    method: "measured",
    verdict: verdictOf(rows.every((x) => x.ok)),
    figures: rows.map(
      (x) =>
        `${x.r.variant} (${x.r.flags.notify}) p99 ${fmt(x.p99)} s` +
        (x.r.notification.missedCount > 0 ? `, ${x.r.notification.missedCount} missed` : ""),
    ),
    steps: rows.map(
      (x) =>
        `${x.r.variant}: commit answered to the other device applying it, p99 ${fmt(x.p99)} s ` +
        `against ${fmt(bounds[x.r.variant])} s ${x.ok ? "holds" : "fails"} (a missed edit fails)`,
    ),
    samples: samples(got.runs, (r) => r.notification.delayMs.samplesCount) + " (nearest rank)",
    sources: [`${got.file.source}: runs[V0,V1,V2].notification`],
  };
}

/** C35 on the stack: ten edits a day of V1's and V2's measured upload payloads. */
export function c35(d: DesignInputs, e: Evidence): Part {
  const got = needs(e, ["V1", "V2"]);
  if (!got.runs) return got.part;
  const [v1, v2] = got.runs as [VariantRun, VariantRun];
  const c35 = d.stated.C35;
  const v1Day = c35.editsPerDay * v1.upload.payloadBytesPerEditMean;
  const v2Day = c35.editsPerDay * v2.upload.payloadBytesPerEditMean;
  const v1Ok = v1Day / 1e6 < statedInterval(c35.chunkingMBPerDay).high;
  const v2Ok = v2Day / 1e3 < statedInterval(c35.deltaKBPerDay).high;
  return {
    method: "measured",
    verdict: verdictOf(v1Ok && v2Ok),
    figures: [`V1 ${fmt(v1Day / 1e6)} MB/day`, `V2 ${fmt(v2Day / 1e3)} KB/day`],
    steps: [
      `${c35.editsPerDay} x ${fmt(v1.upload.payloadBytesPerEditMean)} B (V1, changed blocks ` +
        `whole) = ${fmt(v1Day / 1e6)} MB against ~${c35.chunkingMBPerDay} MB ` +
        `${v1Ok ? "holds" : "fails"}`,
      `${c35.editsPerDay} x ${fmt(v2.upload.payloadBytesPerEditMean)} B (V2, deltas) = ` +
        `${fmt(v2Day / 1e3)} KB against ~${c35.deltaKBPerDay} KB ${v2Ok ? "holds" : "fails"} ` +
        `(payload only; with upload-init and commit bodies ` +
        `${fmt((c35.editsPerDay * v2.upload.bodyBytesPerEditMean) / 1e3)} KB)`,
    ],
    samples: samples(got.runs, (r) => r.editsCount) + ` of ${got.file.data.editBytes} B`,
    sources: [`${got.file.source}: runs[V1,V2].upload.payloadBytesPerEditMean`],
  };
}

/** C21 on the stack: V0's polling delay (mean) over V2's push delay (mean). */
export function c21(d: DesignInputs, e: Evidence): Part {
  const got = needs(e, ["V0", "V2"]);
  if (!got.runs) return got.part;
  const [v0, v2] = got.runs as [VariantRun, VariantRun];
  const poll = v0.notification.delayMs.mean;
  const push = v2.notification.delayMs.mean;
  if (poll === null || push === null || push === 0) {
    return notMeasured("measured", `${variantsFile} (whose V0 and V2 watchers saw edits)`);
  }
  const factor = poll / push;
  const low = statedInterval(d.stated.C21.speedupFactor).low;
  return {
    method: "measured",
    verdict: verdictOf(factor >= low),
    figures: [
      `V0 polling mean ${fmt(poll / 1000)} s`,
      `V2 push mean ${fmt(push)} ms`,
      `speed-up ${fmt(factor)}x`,
    ],
    steps: [
      `${fmt(poll)} ms / ${fmt(push)} ms = ${fmt(factor)}x ` +
        `against ~${d.stated.C21.speedupFactor}x ` +
        `(holds at ${fmt(low)}x or more); the design's polling mean is ` +
        `${d.stated.C21.pollingDelayMeanS} s`,
    ],
    samples: samples(got.runs, (r) => r.notification.delayMs.samplesCount),
    sources: [`${got.file.source}: runs[V0,V2].notification.delayMs.mean`],
  };
}

/** C19 measured: one NotificationService process's bytes per connection against ~2 KB. */
export function c19(d: DesignInputs, e: Evidence): Part {
  const bench = e.connectionBench;
  if (!bench) return notMeasured("measured", connectionBenchFile);
  const b = bench.data;
  const statedKiB = d.memoryBytesPerConnection / 1024;
  const high = statedInterval(statedKiB).high * 1024;
  const perPodGB = (b.bytesPerConnection * d.connectionsPerPodCount) / 1e9;
  const fitting = (d.stated.C19.podMemoryGB * 1e9) / Math.max(1, b.bytesPerConnection);
  const top = b.steps.reduce((m, s) => Math.max(m, s.connectionsCount), 0);
  return {
    method: "measured",
    verdict: verdictOf(b.bytesPerConnection < high),
    figures: [
      `${fmt(b.bytesPerConnection)} B per connection (${b.process})`,
      `${fmt(perPodGB)} GB at ${fmt(d.connectionsPerPodCount)} connections`,
      `${fmt(fitting)} connections in ${d.stated.C19.podMemoryGB} GB`,
    ],
    steps: [
      `RSS slope over ${b.steps.length} steps up to ${fmt(top)} connections: ` +
        `${fmt(b.bytesPerConnection)} B against ~${fmt(statedKiB)} KiB ` +
        `(holds below ${fmt(high)} B)`,
      `${fmt(b.bytesPerConnection)} B x ${fmt(d.connectionsPerPodCount)} = ${fmt(perPodGB)} GB ` +
        `per pod (stated ${d.stated.C19.podMemoryGB} GB); the process itself refuses past ` +
        `${b.connectionsMaxConfigured === null ? "no limit" : fmt(b.connectionsMaxConfigured)}`,
    ],
    samples: `${b.steps.length} RSS readings, ${fmt(top)} connections, ${b.failedCount} failed`,
    sources: [`${bench.source}: bytesPerConnection, steps`],
  };
}
