// Charts of the simulator's projections at the design's scale, one per experiment that has one:
// the reconnect storm of a rolling deploy over time (rolling-deploy), load per shard under a Zipf
// user population (shard-skew), Kafka consumer lag at 1x and 2x the peak (kafka-lag), the CDN hit
// rate vs the shared fraction of content (cdn-hit-rate).
import type { TopLevelSpec } from "vega-lite";
import type { Projection } from "../../formats/projection.schema.ts";
import {
  chartConfig,
  chartHeight,
  chartWidth,
  notMeasuredChart,
  round6,
  shortName,
  titleWith,
  vegaLiteSchema,
  type Chart,
  type ReportInputs,
} from "./chart.ts";

function projectionOf(inputs: ReportInputs, experiment: string) {
  return inputs.projections.find((p) => p.value.experiment === experiment);
}

const noProjection = (experiment: string) =>
  `not measured in this run: no ${experiment} projection given ` +
  `(syncbench simulate ${experiment} --out ${experiment}.json)`;

const num = (v: unknown) => (typeof v === "number" ? round6(v) : null);

function base(title: string, couldNotShow: string[], values: unknown[]) {
  return {
    $schema: vegaLiteSchema,
    title: titleWith(title, couldNotShow),
    width: chartWidth,
    height: chartHeight,
    data: { values },
    config: chartConfig,
  };
}

function ci(p: Projection, name: string) {
  const m = p.metrics.find((x) => x.name === name);
  if (!m) return undefined;
  const hw = m.halfWidth ?? 0;
  return {
    mean: round6(m.mean),
    low: round6(m.mean - hw),
    high: round6(m.mean + hw),
    target: m.target,
  };
}

export function reconnectStormChart(inputs: ReportInputs): Chart {
  const title = "Reconnect storm of a rolling deploy: devices dropped per wave over time";
  const found = projectionOf(inputs, "rolling-deploy");
  if (!found) return notMeasuredChart("reconnect-storm", title, [noProjection("rolling-deploy")]);
  const rows = (found.value.tables.waves ?? []).map((w) => ({
    policy: String(w.policy),
    startS: num(w.startS),
    dropped: num(w.dropped),
    recovery99S: num(w.recovery99S),
  }));
  const peaks = found.value.metrics
    .filter((m) => m.name.endsWith(".attemptRatePeakPerS"))
    .map((m) => `${m.name.replace(".attemptRatePeakPerS", "")} ${Math.round(m.mean)}/s`);
  const notes = [`${shortName(found.source)}: peak reconnect attempts: ${peaks.join(", ")}`];
  if (rows.length === 0)
    return notMeasuredChart("reconnect-storm", title, [
      `${shortName(found.source)} has no waves table`,
    ]);
  const spec = {
    ...base(title, notes, rows),
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "startS", type: "quantitative", title: "wave start, s" },
      y: { field: "dropped", type: "quantitative", title: "devices dropped" },
      color: { field: "policy", type: "nominal", title: "reconnect policy" },
    },
  } as unknown as TopLevelSpec;
  return { name: "reconnect-storm", title, spec, couldNotShow: [] };
}

export function shardLoadChart(inputs: ReportInputs): Chart {
  const title = "Load per shard: hottest of 64 shards vs the mean, by Zipf skew";
  const found = projectionOf(inputs, "shard-skew");
  if (!found) return notMeasuredChart("shard-load", title, [noProjection("shard-skew")]);
  const rows = (found.value.tables.sharesBySkew ?? []).map((r) => ({
    zipfSkew: num(r.zipfSkew),
    hottestToMean: num(r.hottestToMean),
    kind: "exact share",
  }));
  if (rows.length === 0)
    return notMeasuredChart("shard-load", title, [
      `${shortName(found.source)} has no sharesBySkew table`,
    ]);
  const simulated = ci(found.value, "shard.hottestToMeanSimulated");
  const notes = simulated
    ? [
        `simulated hottest/mean ${simulated.mean} (95 % ${simulated.low}..${simulated.high}) at the experiment's skew`,
      ]
    : [];
  const spec = {
    ...base(title, notes, rows),
    mark: { type: "line", point: { size: 50, filled: true } },
    encoding: {
      x: { field: "zipfSkew", type: "quantitative", title: "Zipf skew of user activity" },
      y: { field: "hottestToMean", type: "quantitative", title: "hottest shard / mean shard" },
    },
  } as unknown as TopLevelSpec;
  return { name: "shard-load", title, spec, couldNotShow: [] };
}

export function kafkaLagChart(inputs: ReportInputs): Chart {
  const title = "Kafka consumer lag p99 per group at 1x and 2x the peak (95 % intervals)";
  const found = projectionOf(inputs, "kafka-lag");
  if (!found) return notMeasuredChart("kafka-lag", title, [noProjection("kafka-lag")]);
  const rows = found.value.metrics.flatMap((m) => {
    const match = /^(x[\d.]+)\.([A-Za-z]+)\.lagMsP99$/.exec(m.name);
    if (!match) return [];
    const hw = m.halfWidth ?? 0;
    return [
      {
        load: match[1]!,
        group: match[2]!,
        lagMs: round6(m.mean),
        lowMs: round6(Math.max(0, m.mean - hw)),
        highMs: round6(m.mean + hw),
        targetMs: m.target ? round6(m.target.max) : null,
      },
    ];
  });
  if (rows.length === 0)
    return notMeasuredChart("kafka-lag", title, [`${shortName(found.source)} has no lag metrics`]);
  const x = { field: "group", type: "nominal", title: null };
  const y = {
    field: "lagMs",
    type: "quantitative",
    title: "lag p99, ms (symlog)",
    scale: { type: "symlog" },
  };
  const spec = {
    ...base(title, [], rows),
    layer: [
      {
        mark: "bar",
        encoding: {
          x,
          xOffset: { field: "load" },
          y,
          color: { field: "load", type: "nominal", title: "load" },
        },
      },
      {
        mark: { type: "rule", color: "#333" },
        encoding: {
          x,
          xOffset: { field: "load" },
          y: { ...y, field: "lowMs" },
          y2: { field: "highMs" },
        },
      },
    ],
  } as unknown as TopLevelSpec;
  return { name: "kafka-lag", title, spec, couldNotShow: [] };
}

export function cdnHitRateChart(inputs: ReportInputs): Chart {
  const title = "CDN hit rate vs the shared fraction of content (95 % intervals)";
  const found = projectionOf(inputs, "cdn-hit-rate");
  if (!found) return notMeasuredChart("cdn-hit-rate", title, [noProjection("cdn-hit-rate")]);
  const p = found.value;
  const rows = p.metrics.flatMap((m) => {
    const match = /^shared([\d.]+)\.hitRate$/.exec(m.name);
    if (!match) return [];
    const hw = m.halfWidth ?? 0;
    return [
      {
        sharedFraction: round6(Number(match[1])),
        hitRate: round6(m.mean),
        low: round6(m.mean - hw),
        high: round6(m.mean + hw),
      },
    ];
  });
  if (rows.length === 0)
    return notMeasuredChart("cdn-hit-rate", title, [
      `${shortName(found.source)} has no hit-rate metrics`,
    ]);
  const missTarget = p.metrics.find((m) => /^shared[\d.]+\.missRate$/.test(m.name) && m.target);
  const layers: unknown[] = [
    {
      mark: { type: "line", point: { size: 40, filled: true } },
      encoding: {
        x: { field: "sharedFraction", type: "quantitative", title: "shared fraction of blocks" },
        y: { field: "hitRate", type: "quantitative", title: "hit rate", scale: { domain: [0, 1] } },
      },
    },
    {
      mark: "rule",
      encoding: {
        x: { field: "sharedFraction", type: "quantitative" },
        y: { field: "low", type: "quantitative" },
        y2: { field: "high" },
      },
    },
  ];
  const notes: string[] = [];
  if (missTarget?.target) {
    const hitMin = round6(1 - missTarget.target.max);
    layers.push({
      data: { values: [{ hitMin }] },
      mark: { type: "rule", color: "#d62728", strokeDash: [6, 3] },
      encoding: { y: { field: "hitMin", type: "quantitative" } },
    });
    const at = missTarget.name.replace(/^shared/, "").replace(/\.missRate$/, "");
    notes.push(
      `target (${missTarget.target.claims.join(", ")}): hit rate >= ${hitMin} at shared ` +
        `fraction ${at}: ${missTarget.target.verdict}`,
    );
  }
  const spec = { ...base(title, notes, rows), layer: layers } as unknown as TopLevelSpec;
  return { name: "cdn-hit-rate", title, spec, couldNotShow: [] };
}
