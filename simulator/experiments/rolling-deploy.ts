// rolling-deploy: 100M devices on 20 NotificationService pods, 3 pods restarted per wave until
// every pod has restarted, under three backoff policies. Reports the peak reconnect attempt
// rate, the Redis registry write rate, recovery times, notifications delayed while devices
// were away, and connections (and memory, C19) on the fullest pod. The cohort model is
// deterministic, so one run per policy carries no replication interval.
import { backoffPolicies } from "../models/backoff.ts";
import { podMemoryBytes } from "../models/notification-service.ts";
import { simulateRollingDeploy } from "../models/population.ts";
import { round } from "../projection/collector.ts";
import type { Experiment } from "./experiment.ts";

export const rollingDeploy: Experiment = {
  name: "rolling-deploy",
  summary: "100M devices, 20 pods, waves of 3 restarts: reconnect peaks, registry writes, recovery",
  run(o, out) {
    const p = o.params;
    const uploadsPerS = p.peakRps * (p.mix.deltaUpload + p.mix.newFileUpload);
    const rows: Record<string, number | string | null>[] = [];
    for (const policy of backoffPolicies) {
      const r = simulateRollingDeploy({
        devices: o.devices, pods: p.pods.notificationService, podsPerWave: 3, restartS: 20,
        handshakesPerPodPerS: 20_000, notificationsPerDevicePerS: (uploadsPerS * p.devicesPerUser) / o.devices,
        policy, bucketS: 0.01, settleS: 10, horizonS: 3 * 3600,
      });
      const key = policy.name;
      const c = out.collector;
      c.add(`${key}.attemptRatePeakPerS`, "1/s", r.attemptRatePeakPerS);
      c.add(`${key}.registryWritesPeakPerS`, "1/s", r.registryWritesPeakPerS);
      c.add(`${key}.recovery99SMax`, "s", Math.max(...r.waves.map((w) => w.recovery99S)));
      c.add(`${key}.attemptsPerReconnect`, "attempts", r.attemptsPerReconnect);
      c.add(`${key}.notificationsDelayed`, "notifications", r.notificationsDelayed);
      c.add(`${key}.connectionsPerPodMax`, "connections", r.connectionsPerPodMax);
      c.add(`${key}.podMemoryMaxGB`, "GB", podMemoryBytes(r.connectionsPerPodMax) / 1e9);
      c.add(`${key}.deployDurationS`, "s", r.endS);
      rows.push(...r.waves.map((w) => ({ policy: key, wave: w.wave, startS: round(w.startS), dropped: Math.round(w.dropped),
        recovery99S: round(w.recovery99S), recovery999S: round(w.recovery999S) })));
      out.notes.push(`${key}: cohort state ${r.stateBytes} bytes for ${o.devices} devices`);
    }
    out.tables.waves = rows;
    out.notes.push("ASSUMED: 20K handshakes/s per pod (JWT + registry write), pods down 20 s, uniform LB over live pods");
  },
};
