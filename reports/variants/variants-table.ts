// The compare-variants table: per variant, what was measured on the stack beside the design's
// figure for the same quantity (its comparison table and C01, C34, C36, C31), and the cost
// model's monthly cost. The design's figures come through formats/design.ts; nothing is typed
// here. Pure: the CLI prints the lines.
import * as design from "../../formats/design.ts";
import type { LatencySummary, VariantsComparison } from "../../formats/variants.schema.ts";
import type { CostEstimate } from "../cost/cost-model.ts";

const mb = 1e6;

function bytesText(b: number): string {
  if (b >= 1e9) return `${(b / 1e9).toFixed(2)} GB`;
  if (b >= mb) return `${(b / mb).toFixed(2)} MB`;
  if (b >= 1e3) return `${(b / 1e3).toFixed(1)} KB`;
  return `${Math.round(b)} B`;
}

function msText(m: number | null): string {
  if (m === null) return "-";
  return m >= 1000 ? `${(m / 1000).toFixed(2)} s` : `${Math.round(m)} ms`;
}

function latencyText(l: LatencySummary): string {
  return `${msText(l.p50)} / ${msText(l.p99)} (n=${l.samplesCount})`;
}

/** The design's figure for each row, per variant, for a file of `fileBytes`. */
export function designFigures(fileBytes: number) {
  const c34 = design.stated.C34;
  const v0SecondsPerByte = c34.v0UploadSMin / (c34.v0UploadGB * 1e9);
  const v2UploadS =
    design.latencyTargets.find((t) => t.metric === "deltaUpload.latencyMsP99")!.latencyMsMax / 1000;
  const v2SyncS =
    design.latencyTargets.find((t) => t.metric === "notification.freshnessMsP99")!.latencyMsMax /
    1000;
  return {
    V0: {
      payload: `the whole file (${c34.v0UploadGB} GB in the design)`,
      upload:
        `${c34.v0UploadSMin} s+ for ${c34.v0UploadGB} GB, ` +
        `${(v0SecondsPerByte * fileBytes).toFixed(2)} s+ for this file`,
      sync: `0-${design.stated.C36.syncDelaySMax.V0} s`,
      cost: design.stated.C31.costUsdPerMonth.V0,
    },
    V1: {
      payload: `one block (${design.blockSizeBytes / 2 ** 20} MiB)`,
      upload: `${c34.v1UploadS} s`,
      sync: `< ${design.stated.C36.syncDelaySMax.V1} s`,
      cost: design.stated.C31.costUsdPerMonth.V1,
    },
    V2: {
      payload: `~${design.stated.C01.deltaBytes} B`,
      upload: `< ${v2UploadS} s`,
      sync: `< ${v2SyncS} s`,
      cost: design.stated.C31.costUsdPerMonth.V2,
    },
  } as const;
}

const loadText = (l: readonly number[]) => l.map((x) => x.toFixed(1)).join(" ");
const usd = (v: number) => `$${Math.round(v).toLocaleString("en-US")}`;

/** The table as lines: one block per variant, measured | design. */
export function variantsTableLines(
  file: VariantsComparison,
  costs: ReadonlyMap<string, CostEstimate>,
): string[] {
  const figures = designFigures(file.fileBytes);
  const lines = [
    `${file.scenario}: ${file.runs[0]?.editsCount ?? 0} edits of ${file.editBytes} B in a ` +
      `${bytesText(file.fileBytes)} file per variant, seed ${file.seed}` +
      `${file.quick ? " (--quick)" : ""}; load average ${loadText(file.loadavg)}`,
    "",
    `${"".padEnd(26)}${"measured".padEnd(44)}design`,
  ];
  for (const run of file.runs) {
    const f = run.flags;
    const d = figures[run.variant];
    const cost = costs.get(run.variant);
    const row = (label: string, measured: string, stated: string) =>
      `  ${label.padEnd(24)}${measured.padEnd(44)}${stated}`;
    lines.push(
      `${run.variant} ${design.variants[run.variant].title}: ` +
        `upload ${f.upload}, notify ${f.notify}` +
        `${f.notify === "push" ? "" : ` every ${f.pollIntervalS} s`}, ` +
        `CDN ${f.cdn ? "on" : "off"}, ` +
        `link ${f.linkMbps} Mbps`,
      row(
        "bytes uploaded / edit",
        `${bytesText(run.upload.payloadBytesPerEditMean)} payload, ` +
          `${bytesText(run.upload.bodyBytesPerEditMean)} all bodies`,
        d.payload,
      ),
      row("upload requests / edit", run.upload.requestsPerEditMean.toFixed(1), ""),
      row("upload p50 / p99", latencyText(run.upload.latencyMs), d.upload),
      row(
        "notification p50 / p99",
        latencyText(run.notification.delayMs) +
          (run.notification.missedCount > 0 ? `, ${run.notification.missedCount} missed` : ""),
        d.sync,
      ),
      row(
        "watcher requests / min",
        run.notification.requestsPerMinute.toFixed(1),
        f.notify === "push" ? "0 (one socket)" : `${(60 / f.pollIntervalS).toFixed(0)} (a poll)`,
      ),
      row(
        `download (${run.download.via}) p50/p99`,
        `${latencyText(run.download.latencyMs)}, ${bytesText(run.download.bytesPerEditMean)}`,
        "",
      ),
      row(
        "monthly cost",
        cost ? `${usd(cost.usdPerMonth)} at ${cost.usersCount.toLocaleString("en-US")} users` : "-",
        `${usd(d.cost)} a month (no user count stated)`,
      ),
      "",
    );
  }
  return [...lines, ...file.notes.map((n) => `note: ${n}`)];
}
