// The design's input assumptions (C15, C23, C26): nothing this tool measures can decide them
// (they describe a user population), so each is unverifiable, with the evidence that would
// decide it, and a sensitivity line: how much the capacity and cost figures move when the
// assumption is halved and doubled. Pure: the cost model and the inputs are arguments.
import { estimateCost, type CostAssumptions } from "../cost/cost-model.ts";
import type { DesignInputs, Evidence } from "./inputs.ts";
import { fmt, pct, type Part } from "./verdict.ts";

export const factors = [0.5, 1, 2] as const;

function assumption(figure: string, evidence: string, source: string): Part {
  return {
    method: "assumption",
    verdict: "unverifiable",
    figures: [figure],
    steps: [],
    detail: evidence,
    sources: [source],
  };
}

function costLine(
  base: CostAssumptions,
  what: string,
  change: (a: CostAssumptions, f: number) => void,
  users: number,
) {
  const usd = factors.map((f) => {
    const a = structuredClone(base);
    change(a, f);
    return estimateCost("V2", users, a).usdPerMonth;
  });
  return (
    `V2 cost at ${fmt(users)} users, ${what} x0.5 / x1 / x2: $${fmt(usd[0]!)} / ` +
    `$${fmt(usd[1]!)} / $${fmt(usd[2]!)} a month (${pct(usd[0]! / usd[1]! - 1)} / ` +
    `${pct(usd[2]! / usd[1]! - 1)})`
  );
}

/** C15: uploads and downloads per pod at the peak, and utilisation from design-peak if given. */
export function c15(d: DesignInputs, e: Evidence, cost: CostAssumptions) {
  const listing = d.peakMix.listFolder;
  const split = (ratio: number) => {
    const uploads = (d.peakRatePerS * (1 - listing)) / (1 + ratio);
    return { uploads, downloads: uploads * ratio };
  };
  const lines = factors.map((f) => {
    const s = split(d.downloadsPerUpload * f);
    return (
      `${fmt(d.downloadsPerUpload * f)}:1 -> ${fmt(s.uploads / d.podCounts.chunkService)} ` +
      `uploads/s a ChunkService pod, ${fmt(s.downloads / d.podCounts.downloadService)} ` +
      "downloads/s a DownloadService pod"
    );
  });
  const peak = e.projections.find((p) => p.data.experiment === "design-peak");
  const chunk = peak?.data.metrics.find((m) => m.name === "chunkService.utilisationMean");
  if (chunk) {
    const base = split(d.downloadsPerUpload).uploads;
    lines.push(
      "ChunkService utilisation (utilisation law, scaled from " +
        `${peak!.source}): ${factors
          .map((f) => fmt((chunk.mean * split(d.downloadsPerUpload * f).uploads) / base))
          .join(" / ")} at x0.5 / x1 / x2`,
    );
  }
  lines.push(
    costLine(
      cost,
      "downloads per upload",
      (a, f) => {
        a.downloadsPerUpload.value *= f;
      },
      d.usersCount,
    ),
  );
  return {
    part: assumption(
      `${fmt(d.downloadsPerUpload)}:1 downloads to uploads`,
      "the download:upload ratio of a real population (request logs of a deployed service) " +
        "would decide it",
      "design: downloadsPerUpload, peakMix, podCounts",
    ),
    sensitivity: lines,
  };
}

/** C23: connected devices, NotificationService pods and push fan-out per upload. */
export function c23(d: DesignInputs) {
  const users = d.connectedDevicesCount / d.devicesPerUser.mean;
  const lines = factors.map((f) => {
    const perUser = d.devicesPerUser.mean * f;
    const devices = users * perUser;
    return (
      `${fmt(perUser)} devices a user -> ${fmt(devices)} devices, ` +
      `${Math.ceil(devices / d.connectionsPerPodCount)} NotificationService pods at ` +
      `${fmt(d.connectionsPerPodCount)} each, ${fmt(d.peakUploadRatePerS * perUser)} pushes/s at the peak`
    );
  });
  return {
    part: assumption(
      `${d.devicesPerUser.min}-${d.devicesPerUser.max} devices a user ` +
        `(mean ${fmt(d.devicesPerUser.mean)})`,
      "device counts per account of a real population " + "would decide it",
      "design: devicesPerUser, connectedDevicesCount",
    ),
    sensitivity: [
      `users connected: ${fmt(d.connectedDevicesCount)} devices / ` +
        `${fmt(d.devicesPerUser.mean)} = ${fmt(users)} (held fixed)`,
      ...lines,
    ],
  };
}

/** C26: versions a file a month, read as the edit rate of the cost model. */
export function c26(d: DesignInputs, cost: CostAssumptions) {
  const v = d.stated.C26.versionsPerFilePerMonth;
  const lines = [
    ...factors.map(
      (f) =>
        `${fmt(v * f)} versions a file a month -> version rows kept 30 days: ` +
        `${fmt(v * f)} a file`,
    ),
    costLine(
      cost,
      "edits a day (versions scale with them)",
      (a, f) => {
        a.editsPerUserPerDay.value *= f;
      },
      d.usersCount,
    ),
  ];
  return {
    part: assumption(
      `${v} versions a file a month`,
      "version counts per file of a real " + "population would decide it",
      "design: stated.C26",
    ),
    sensitivity: lines,
  };
}
