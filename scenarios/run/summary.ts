// Human-readable lines for a run: the progress line printed each second, and the summary of a
// finished run (per operation figures or "not available in this stack", rate asked vs
// achieved, saturation, targets). Plain strings; the CLI decides where they go.
import type { ProgressPoint } from "../open-model/http-open-model.ts";
import type { Results } from "../../formats/results.schema.ts";

/** Right-aligned table cells, each [value, width]. */
export function cells(...columns: [string | number, number][]): string {
  return columns.map(([value, width]) => String(value).padStart(width)).join(" ");
}

/** One second of a run: asked vs achieved, p99 of the second and so far, errors, time left. */
export function progressLine(p: ProgressPoint): string {
  const leftS = Math.max(0, p.totalS - p.tS);
  return (
    `[${String(p.tS).padStart(4)}/${p.totalS} s] asked ${p.askedPerS.toFixed(0)}/s  ` +
    `sent ${p.sentCount}/s  ok ${p.okCount}/s  p99 ${p.latencyMsP99.toFixed(1)} ms ` +
    `(so far ${p.p99SoFarMs.toFixed(1)})  errors ${p.errorCount} (${p.errorsSoFar} so far)  ` +
    `dropped ${p.droppedCount}  in-flight ${p.inFlight}  ${leftS} s left`
  );
}

function operationLines(r: Results): string[] {
  const header = cells(["ok", 8], ["errors", 7], ["p50 ms", 8], ["p99 ms", 8], ["p99.9 ms", 9]);
  const lines = [`  ${"operation".padEnd(14)} ${header} ${cells(["svc p99", 8])}`];
  for (const op of r.operations) {
    if (op.status === "not-available") {
      lines.push(`  ${op.name.padEnd(14)} ${op.reason}`);
      continue;
    }
    const l = op.latencyMs;
    const figures = cells(
      [op.counts.ok, 8],
      [op.counts.error, 7],
      [l.p50.toFixed(2), 8],
      [l.p99.toFixed(2), 8],
      [l.p999.toFixed(2), 9],
      [op.serviceTimeMs.p99.toFixed(2), 8],
    );
    lines.push(`  ${op.name.padEnd(14)} ${figures}`);
    const codes = Object.entries(op.errorsByCode).map(([c, n]) => `${c} x${n}`);
    if (codes.length > 0) lines.push(`  ${"".padEnd(14)} errors: ${codes.join(", ")}`);
    // The driver's own failures (nothing sent) are apart from the stack's errors above.
    const driver = Object.entries(op.driverErrorsByCode ?? {}).map(([c, n]) => `${c} x${n}`);
    if (driver.length > 0)
      lines.push(
        `  ${"".padEnd(14)} driver's own (nothing sent, not the stack's): ${driver.join(", ")}`,
      );
  }
  return lines;
}

function websocketLines(r: Results): string[] {
  const w = r.websocket;
  if (r.websocketUnavailable)
    return [`  websocket: not available in this stack (${r.websocketUnavailable})`];
  if (!w) return [];
  const f = w.freshnessMs;
  return [
    `  websocket: ${w.connectedCount}/${w.devicesCount} devices connected over ` +
      `${w.holderProcessCount} holder process(es) in ${(w.connectPhaseMs / 1000).toFixed(1)} s; ` +
      `connect p99 ${w.connectMs.p99} ms`,
    `  notifications: ${w.deliveriesReceivedCount}/${w.deliveriesExpectedCount} deliveries of ` +
      `${w.notificationsSentCount} events; freshness p50 ${f.p50} ms, p99 ${f.p99} ms`,
    w.holderMemory
      ? `  holders: ${(w.holderMemory.rssBytesTotal / 2 ** 20).toFixed(0)} MiB RSS, ` +
        `${(w.holderMemory.bytesPerDevice / 1024).toFixed(1)} KiB per device`
      : "  holders: memory not readable",
  ];
}

/** What the services measured of themselves over the window, per part (real stack only). */
function serverPartLines(r: Results): string[] {
  const sp = r.serverParts;
  if (!sp) return [];
  const lines = [
    `  server parts (${sp.sources.map((s) => s.source).join(", ") || "no process answered"}):`,
  ];
  for (const [name, part] of Object.entries(sp.parts)) {
    lines.push(
      `    ${name.padEnd(26)} ${cells([part.ms.count, 8])} samples  p50 ${part.ms.p50.toFixed(2)} ms  p99 ${part.ms.p99.toFixed(2)} ms`,
    );
  }
  sp.excluded.forEach((why) => lines.push(`    left out: ${why}`));
  return lines;
}

function rateLines(r: Results): string[] {
  const windowS = (r.config.measuredWindowMs / 1000).toFixed(1);
  const warmupS = (r.config.warmupMs / 1000).toFixed(1);
  const lag = r.sendLag;
  return [
    `  rate asked ${r.rate.askedPerS.toFixed(0)}/s, sent ${r.rate.sentPerS.toFixed(0)}/s, ` +
      `achieved ${r.rate.achievedPerS.toFixed(0)}/s over ${windowS} s after ${warmupS} s warm-up`,
    `  send lag p99 ${lag.ms.p99} ms (late > ${lag.lateThresholdMs} ms: ${lag.lateCount}), ` +
      `dropped ${r.droppedCount}, unfinished ${r.unfinishedCount}, ` +
      `generator ${r.generatorCpuCores.toFixed(2)} cores` +
      (r.eventLoopDelayMs ? `, event-loop delay p99 ${r.eventLoopDelayMs.p99} ms` : ""),
  ];
}

export function summaryLines(r: Results): string[] {
  const lines = [
    `scenario ${String(r.scenario.name)} against ${r.config.target}, seed ${r.config.seed}`,
    ...rateLines(r),
    ...operationLines(r),
    ...websocketLines(r),
    ...serverPartLines(r),
    r.saturation.saturated
      ? `  saturated (${r.saturation.by}): ${r.saturation.reasons.join("; ")}`
      : `  not saturated${r.saturation.reasons.length > 0 ? `; ${r.saturation.reasons.join("; ")}` : ""}`,
  ];
  for (const t of r.targets) {
    const measured = t.measured === null ? "not measured" : String(Number(t.measured.toFixed(4)));
    const claim = `${t.claims.join(", ")}: ${t.figure}`;
    lines.push(`  target ${t.metric} <= ${t.max} (${claim}): ${measured} -> ${t.verdict}`);
  }
  return lines;
}
