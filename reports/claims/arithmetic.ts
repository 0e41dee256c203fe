// The ledger's arithmetic: each claim recomputed from the design's own numbers, step by step,
// units and conventions stated; a stated figure agrees when the recomputation rounds to it at
// the precision it is written with (verdict.ts). Contradictions are checked between claims on
// the same quantity and within a claim (a total against per-item x count). Pure: no I/O.
import type { DesignInputs } from "./inputs.ts";
import {
  fmt,
  intervalText,
  pct,
  roundsTo,
  statedInterval,
  verdictOf,
  type Part,
  type Verdict,
} from "./verdict.ts";

const decimalUnits =
  "units: KB, MB, GB, PB, EB decimal (1 GB = 10^9 B), as the document " +
  "writes them; MiB, GiB binary; the 4 MB block is 4 MiB = 4,194,304 B (limits.ts)";
const src = (...names: string[]) => names.map((x) => `design: ${x}`);

function part(
  verdict: Verdict,
  figures: string[],
  steps: string[],
  sources: string[],
  detail?: string,
): Part {
  return {
    method: "arithmetic",
    verdict,
    figures,
    steps,
    sources,
    ...(detail === undefined ? {} : { detail }),
  };
}

/** C02: 4 MB / 200 B against ~20,000x; the claimed factor is a floor. */
export function c02(d: DesignInputs): Part {
  const { deltaBytes } = d.stated.C01;
  const stated = d.stated.C02.reductionFactor;
  const factor = d.blockSizeBytes / deltaBytes;
  const decimal = 4e6 / deltaBytes;
  const ok = factor >= statedInterval(stated).low;
  return part(
    verdictOf(ok),
    [`${fmt(factor)}x (4 MiB block), ${fmt(decimal)}x (4 MB)`],
    [
      decimalUnits,
      `reduction = block / delta = ${fmt(d.blockSizeBytes)} B / ${fmt(deltaBytes)} B = ${fmt(factor)}x`,
      `stated ~${intervalText(stated)}; a reduction factor holds when it reaches the low end`,
    ],
    src("blockSizeBytes", "stated.C01.deltaBytes", "stated.C02.reductionFactor"),
  );
}

/** C06's 80 ms against C04 + C05 (within the design: the total and its parts). */
export function c06(d: DesignInputs): Part {
  const sum = d.serviceTimeMs.deltaEncode + d.serviceTimeMs.deltaReconstruct;
  const ok = roundsTo(sum, d.stated.C06.computeMs);
  return part(
    ok ? "holds" : "inconsistent",
    [`${fmt(sum)} ms compute`],
    [
      `compute = encode (C04) + reconstruct (C05) = ${fmt(d.serviceTimeMs.deltaEncode)} ms + ` +
        `${fmt(d.serviceTimeMs.deltaReconstruct)} ms = ${fmt(sum)} ms`,
      `stated ~${intervalText(d.stated.C06.computeMs)} ms`,
    ],
    src("serviceTimeMs.deltaEncode", "serviceTimeMs.deltaReconstruct", "stated.C06.computeMs"),
    ok ? undefined : "C06's total is not C04 + C05",
  );
}

/**
 * C07: a delta pays its overhead (C06: compute + S3 read) back in upload time saved on the
 * design's 100 Mbps link (C27, C34) when block - delta > link x overhead.
 */
export function c07(d: DesignInputs): Part {
  const overheadS = (d.stated.C06.computeMs + d.serviceTimeMs.baseBlockRead) / 1000;
  const linkBytesPerS = (d.stated.C27.linkMbps * 1e6) / 8;
  const breakEvenBytes = d.blockSizeBytes - linkBytesPerS * overheadS;
  const statedBytes = d.stated.C07.netWinDeltaMB * 1e6;
  const ok = roundsTo(breakEvenBytes / 1e6, d.stated.C07.netWinDeltaMB);
  const impliedMbps = ((d.blockSizeBytes - statedBytes) * 8) / overheadS / 1e6;
  return part(
    ok ? "holds" : "inconsistent",
    [`net win below ${fmt(breakEvenBytes / 1e6)} MB at ${fmt(d.stated.C27.linkMbps)} Mbps`],
    [
      decimalUnits,
      `overhead = compute ${fmt(d.stated.C06.computeMs)} ms + S3 read ` +
        `${fmt(d.serviceTimeMs.baseBlockRead)} ms = ${fmt(overheadS * 1000)} ms (C06)`,
      `link = ${fmt(d.stated.C27.linkMbps)} Mbps = ${fmt(linkBytesPerS)} B/s (C27, C34)`,
      `break-even delta = block - link x overhead = ${fmt(d.blockSizeBytes)} B - ` +
        `${fmt(linkBytesPerS * overheadS)} B = ${fmt(breakEvenBytes)} B`,
      `the stated ${fmt(statedBytes)} B needs a link of ${fmt(impliedMbps)} Mbps; in bytes alone ` +
        `(time not counted) a delta is smaller whenever it is under the block's ${fmt(d.blockSizeBytes)} B`,
    ],
    src(
      "blockSizeBytes",
      "stated.C06.computeMs",
      "serviceTimeMs.baseBlockRead",
      "stated.C27.linkMbps",
      "stated.C07.netWinDeltaMB",
    ),
    ok
      ? undefined
      : `C07 (${fmt(d.stated.C07.netWinDeltaMB)} MB) cannot hold with C06's ` +
          `${fmt(overheadS * 1000)} ms overhead and the ${fmt(d.stated.C27.linkMbps)} Mbps link of C27/C34`,
  );
}

/** C08 against C01: the same quantity (delta as a fraction of the block), two statements. */
export function c08(d: DesignInputs): Part {
  const fraction = d.stated.C01.deltaBytes / d.blockSizeBytes;
  const { deltaFractionMin: min, deltaFractionMax: max } = d.stated.C08;
  const inside = fraction >= min && fraction <= max;
  const maxSaving = 1 - min;
  return part(
    inside ? "holds" : "inconsistent",
    [`C01's delta is ${pct(fraction)} of the block`],
    [
      `C01: ${fmt(d.stated.C01.deltaBytes)} B / ${fmt(d.blockSizeBytes)} B = ${pct(fraction)}`,
      `C08: typically ${pct(min)} .. ${pct(max)}`,
      `C03's > ${pct(d.stated.C03.uploadSavingsFractionMin)} saving needs deltas under ` +
        `${pct(1 - d.stated.C03.uploadSavingsFractionMin)} of the block; C08's range saves ` +
        `${pct(1 - max)} .. ${pct(maxSaving)}`,
    ],
    src("stated.C01.deltaBytes", "blockSizeBytes", "stated.C08"),
    inside
      ? undefined
      : `C01's "typical text edit" gives a delta ${fmt(min / fraction)}x smaller ` +
          `than C08's "typical" low end; C08's upper half (over ${pct(1 - d.stated.C03.uploadSavingsFractionMin)}) ` +
          "also contradicts C03",
  );
}

/** C16: 250 lookups at C16's own 2 ms a cache hit against its 10-15 ms total. */
export function c16(d: DesignInputs): Part {
  const s = d.stated.C16;
  const perHashTotalMs = s.hashCount * d.serviceTimeMs.metadataCacheHitPerHash;
  const ok = perHashTotalMs <= s.dedupCheckMsMax;
  return part(
    ok ? "holds" : "inconsistent",
    [
      `${fmt(perHashTotalMs)} ms at 2 ms a hash vs ${s.dedupCheckMsMin}-${s.dedupCheckMsMax} ms stated`,
    ],
    [
      `per hash x count = ${fmt(d.serviceTimeMs.metadataCacheHitPerHash)} ms x ${s.hashCount} = ` +
        `${fmt(perHashTotalMs)} ms`,
      `stated total: ${s.dedupCheckMsMin}-${s.dedupCheckMsMax} ms, i.e. ` +
        `${fmt(s.dedupCheckMsMax / s.hashCount)} ms a hash at most, or one batched query`,
    ],
    src("stated.C16", "serviceTimeMs.metadataCacheHitPerHash"),
    ok
      ? undefined
      : "C16's total (10-15 ms) and its own per-hash cache hit (2 ms x 250) conflict, " +
          "unless the 250 lookups are one batched query, which the document does not say",
  );
}

/** C17: 1 GB / 4 MB blocks and the hash list's size, under each unit and encoding reading. */
export function c17(d: DesignInputs): Part {
  const s = d.stated.C16;
  const readings = [
    { name: "1 GB / 4 MB (decimal)", count: Math.ceil((s.fileGB * 1e9) / 4e6) },
    { name: "1 GB / 4 MiB", count: Math.ceil((s.fileGB * 1e9) / d.blockSizeBytes) },
    { name: "1 GiB / 4 MiB", count: Math.ceil((s.fileGB * 2 ** 30) / d.blockSizeBytes) },
  ];
  const decimal = readings[0]!.count;
  const hexKB = (decimal * 64) / 1000;
  const rawKB = (decimal * 32) / 1000;
  const ok = roundsTo(decimal, s.hashCount) && roundsTo(hexKB, d.stated.C17.hashListKB);
  return part(
    verdictOf(ok),
    readings.map((r) => `${r.count} hashes (${r.name})`),
    [
      decimalUnits,
      ...readings.map((r) => `${r.name}: ceil(size / block) = ${r.count} hashes`),
      `hash list = ${decimal} x 64 B (SHA-256 as hex text) = ${fmt(hexKB)} KB; as 32 raw bytes ` +
        `${fmt(rawKB)} KB`,
      `stated ${s.hashCount} hashes, ~${d.stated.C17.hashListKB} KB: both hold under decimal ` +
        "units and hex text; the implementation's 4 MiB block gives ${readings[1]!.count} (1 GB) or " +
        `${readings[2]!.count} (1 GiB)`,
    ],
    src("stated.C16.fileGB", "stated.C16.hashCount", "stated.C17.hashListKB", "blockSizeBytes"),
  );
}

/** C18: pods x connections per pod against the connected devices. */
export function c18(d: DesignInputs): Part {
  const total = d.podCounts.notificationService * d.connectionsPerPodCount;
  const ok = roundsTo(total, d.connectedDevicesCount);
  return part(
    ok ? "holds" : "inconsistent",
    [`${fmt(total)} connections`],
    [
      `${d.podCounts.notificationService} pods x ${fmt(d.connectionsPerPodCount)} = ${fmt(total)}`,
      `stated: ${intervalText(d.connectedDevicesCount)} devices`,
    ],
    src("podCounts.notificationService", "connectionsPerPodCount", "connectedDevicesCount"),
    ok ? undefined : "C18's total is not its pods x connections per pod",
  );
}

/** C19: memory per connection x connections per pod against the pod's stated memory. */
export function c19(d: DesignInputs): Part {
  const bytes = d.memoryBytesPerConnection * d.connectionsPerPodCount;
  const ok = roundsTo(bytes / 1e9, d.stated.C19.podMemoryGB);
  return part(
    ok ? "holds" : "inconsistent",
    [`${fmt(bytes / 1e9)} GB = ${fmt(bytes / 2 ** 30)} GiB per pod`],
    [
      decimalUnits + "; 2 KB a connection read as 2 KiB = 2,048 B",
      `${fmt(d.memoryBytesPerConnection)} B x ${fmt(d.connectionsPerPodCount)} = ${fmt(bytes)} B`,
      `stated ~${intervalText(d.stated.C19.podMemoryGB)} GB`,
    ],
    src("memoryBytesPerConnection", "connectionsPerPodCount", "stated.C19.podMemoryGB"),
    ok ? undefined : "C19's per-pod total is not its per-connection figure x C18's connections",
  );
}

/** C20: polls per second, and whether "100M users" is C18's 100M devices (C23). */
export function c20(d: DesignInputs): Part {
  const s = d.stated.C20;
  const qps = s.pollingUsersCount / s.pollIntervalS;
  const arithmeticOk = roundsTo(qps, s.pollingQps);
  const devicesOfUsers = [d.devicesPerUser.min, d.devicesPerUser.max].map(
    (k) => (s.pollingUsersCount * k) / s.pollIntervalS,
  );
  const sameQuantity = s.pollingUsersCount * d.devicesPerUser.min <= d.connectedDevicesCount;
  const verdict: Verdict = !arithmeticOk ? "fails" : sameQuantity ? "holds" : "inconsistent";
  return part(
    verdict,
    [
      `${fmt(qps)} polls/s at 1 poller per user`,
      `${fmt(devicesOfUsers[0]!)}-${fmt(devicesOfUsers[1]!)} polls/s if each device polls (C23)`,
    ],
    [
      `${fmt(s.pollingUsersCount)} pollers / ${s.pollIntervalS} s = ${fmt(qps)} /s; stated ` +
        intervalText(s.pollingQps),
      `C18 counts ${fmt(d.connectedDevicesCount)} connected devices; C23 gives ` +
        `${d.devicesPerUser.min}-${d.devicesPerUser.max} devices a user, so ${fmt(s.pollingUsersCount)} ` +
        `users have ${fmt(s.pollingUsersCount * d.devicesPerUser.min)}-` +
        `${fmt(s.pollingUsersCount * d.devicesPerUser.max)} devices`,
    ],
    src("stated.C20", "connectedDevicesCount", "devicesPerUser"),
    verdict === "inconsistent"
      ? `C20 polls ${fmt(s.pollingUsersCount)} users where C18 has ` +
          `${fmt(d.connectedDevicesCount)} devices and C23 ${d.devicesPerUser.min}-${d.devicesPerUser.max} ` +
          `devices a user: the 20M QPS holds for ${fmt(d.connectedDevicesCount)} polling devices, not ` +
          `${fmt(s.pollingUsersCount)} users`
      : undefined,
  );
}

/** C21: the mean polling delay and the speed-up over push; a speed-up is a floor. */
export function c21(d: DesignInputs, pushMs: number): Part {
  const s = d.stated.C21;
  const meanS = d.stated.C20.pollIntervalS / 2;
  const factor = (meanS * 1000) / pushMs;
  const ok = roundsTo(meanS, s.pollingDelayMeanS) && factor >= statedInterval(s.speedupFactor).low;
  return part(
    verdictOf(ok),
    [`mean polling delay ${fmt(meanS)} s`, `speed-up ${fmt(factor)}x`],
    [
      `a change lands uniformly within a ${d.stated.C20.pollIntervalS} s poll interval: mean wait ` +
        `= interval / 2 = ${fmt(meanS)} s; stated ${intervalText(s.pollingDelayMeanS)} s`,
      `speed-up = ${fmt(meanS * 1000)} ms / ${fmt(pushMs)} ms (C10) = ${fmt(factor)}x; stated ` +
        `~${intervalText(s.speedupFactor)}, a speed-up holds when it reaches the low end`,
    ],
    src("stated.C20.pollIntervalS", "stated.C21", "targets notification.freshnessMsP50"),
  );
}

/** C22: pods restarted at a time x connections per pod against the stated reconnections. */
export function c22(d: DesignInputs): Part {
  const s = d.stated.C22;
  const most = s.podsRestartedMax * d.connectionsPerPodCount;
  const ok = most <= s.reconnectionsMax;
  return part(
    ok ? "holds" : "inconsistent",
    [`${fmt(most)} reconnections per wave at most`],
    [
      `${s.podsRestartedMin}-${s.podsRestartedMax} pods x ${fmt(d.connectionsPerPodCount)} = ` +
        `${fmt(s.podsRestartedMin * d.connectionsPerPodCount)}-${fmt(most)}; stated at most ` +
        fmt(s.reconnectionsMax),
    ],
    src("stated.C22", "connectionsPerPodCount"),
    ok ? undefined : "C22's maximum is below its pods x C18's connections per pod",
  );
}

/** C24: users / shards against the stated users per shard. */
export function c24(d: DesignInputs): Part {
  const perShard = d.usersCount / d.shardCount;
  return part(
    roundsTo(perShard, d.usersPerShardCountStated) ? "holds" : "inconsistent",
    [`${fmt(perShard)} users a shard`],
    [
      `${fmt(d.usersCount)} users / ${d.shardCount} shards = ${fmt(perShard)}`,
      `stated ~${intervalText(d.usersPerShardCountStated)}`,
    ],
    src("usersCount", "shardCount", "usersPerShardCountStated"),
    roundsTo(perShard, d.usersPerShardCountStated)
      ? undefined
      : "the stated users a shard is not users / shards",
  );
}

/** C25: rows x bytes, rows / page size and the time a page. */
export function c25(d: DesignInputs): Part {
  const s = d.stated.C25;
  const metadataMB = (s.filesCount * s.rowBytes) / 1e6;
  const calls = Math.ceil(s.filesCount / s.rowsPerPage);
  const ok = roundsTo(metadataMB, s.metadataMB) && calls === s.listingCallsCount;
  return part(
    ok ? "holds" : "inconsistent",
    [`${fmt(metadataMB)} MB`, `${calls} calls`, `${fmt((s.listingS * 1000) / calls)} ms a call`],
    [
      decimalUnits,
      `${fmt(s.filesCount)} rows x ${s.rowBytes} B = ${fmt(metadataMB)} MB; stated ${s.metadataMB} MB`,
      `${fmt(s.filesCount)} rows / ${fmt(s.rowsPerPage)} a page = ${calls} calls; stated ` +
        fmt(s.listingCallsCount),
      `${s.listingS} s / ${calls} calls = ${fmt((s.listingS * 1000) / calls)} ms a call ` +
        "(the design's list-page time, measured below)",
    ],
    src("stated.C25"),
    ok ? undefined : "C25's totals are not its rows x per-row figures",
  );
}

/** C27: the upload time at the link speed, and the slowest link the grace period covers. */
export function c27(d: DesignInputs): Part {
  const s = d.stated.C27;
  const seconds = (s.uploadGB * 1e9 * 8) / (s.linkMbps * 1e6);
  const gibSeconds = (s.uploadGB * 2 ** 30 * 8) / (s.linkMbps * 1e6);
  const slowestMbps = (s.uploadGB * 1e9 * 8) / (s.graceHours * 3600) / 1e6;
  const ok = roundsTo(seconds / 60, s.uploadMinutes) && seconds < s.graceHours * 3600;
  return part(
    verdictOf(ok),
    [`${fmt(seconds / 60)} min`, `grace covers links >= ${fmt(slowestMbps)} Mbps`],
    [
      decimalUnits + "; Mbps = 10^6 bit/s, no protocol overhead",
      `${s.uploadGB} GB x 8 / ${s.linkMbps} Mbps = ${fmt(seconds)} s = ${fmt(seconds / 60)} min ` +
        `(${fmt(gibSeconds / 60)} min if GB were GiB); stated ~${s.uploadMinutes} min`,
      `${s.graceHours} h covers a ${s.uploadGB} GB upload down to an average ` +
        `${fmt(slowestMbps)} Mbps over the whole grace period`,
    ],
    src("stated.C27"),
  );
}

/**
 * C28: the churn the 0.1 % implies (orphans arrive for 72 h against the stored total), and the
 * churn C35's edit rate (10 whole new 4 MiB blocks a day, delta or not: the server stores the
 * reconstructed block) gives against C29's storage per user.
 */
export function c28(d: DesignInputs, storedGBPerUser: number, editsPerDay: number): Part {
  const share = d.stated.C28.orphanShareOfStorage;
  const graceDays = d.stated.C27.graceHours / 24;
  const impliedPerMonth = (share / graceDays) * 30;
  const newGBPerDay = (editsPerDay * d.blockSizeBytes) / 1e9;
  const share35 = (newGBPerDay * graceDays) / storedGBPerUser;
  const ok = roundsTo(share35, share) || share35 <= share;
  return part(
    ok ? "holds" : "inconsistent",
    [
      `implied churn ${pct(impliedPerMonth)} of storage a month`,
      `${pct(share35)} orphaned at C35's edit rate`,
    ],
    [
      `orphans = churn a day x ${fmt(graceDays)} days of grace; ${pct(share)} => churn ` +
        `${pct(share / graceDays)} a day = ${pct(impliedPerMonth)} a month (30 days)`,
      `C35: ${editsPerDay} edits a day x a new ${fmt(d.blockSizeBytes)} B block = ` +
        `${fmt(newGBPerDay * 1000)} MB a day, orphaned when its version expires`,
      `C29: ${fmt(storedGBPerUser)} GB stored a user => ${fmt(newGBPerDay * graceDays)} GB / ` +
        `${fmt(storedGBPerUser)} GB = ${pct(share35)} of storage orphaned over ${fmt(graceDays)} days`,
    ],
    src(
      "stated.C28",
      "stated.C27.graceHours",
      "stated.C35.editsPerDay",
      "stated.C29",
      "blockSizeBytes",
    ),
    ok
      ? undefined
      : `C28's ${pct(share)} implies ${pct(impliedPerMonth)} churn a month; C35's ` +
          `user (${editsPerDay} edits a day) on C29's ${fmt(storedGBPerUser)} GB gives ${pct(share35)}: ` +
          "they hold together only if most users edit far less than C35's",
  );
}

/** C29: storage per user from the total, and the 700M users' total against "1+ EB". */
export function c29(d: DesignInputs, storageUsd: (gbTotal: number) => number): Part {
  const s = d.stated.C29;
  const perUser = [s.storagePBMin, s.storagePBMax].map((pb) => (pb * 1e15) / s.usersCount / 1e9);
  const raw = [
    s.storagePBMin / (1 - s.dedupFractionMin),
    s.storagePBMax / (1 - s.dedupFractionMax),
  ];
  const atScaleEB = perUser.map((g) => (g * 1e9 * d.usersCount) / 1e18);
  const ok = atScaleEB[0]! >= s.scaleEBMin;
  const usd = [s.storagePBMin, s.storagePBMax].map((pb) => storageUsd(pb * 1e6));
  return part(
    verdictOf(ok),
    [
      `${fmt(perUser[0]!)}-${fmt(perUser[1]!)} GB a user`,
      `${fmt(atScaleEB[0]!)}-${fmt(atScaleEB[1]!)} EB at ${fmt(d.usersCount)} users`,
      `S3 storage $${fmt(usd[0]!)}-$${fmt(usd[1]!)} a month at 1M users (cost model)`,
    ],
    [
      decimalUnits,
      `${s.storagePBMin}-${s.storagePBMax} PB / ${fmt(s.usersCount)} users = ` +
        `${fmt(perUser[0]!)}-${fmt(perUser[1]!)} GB a user (stored, after dedup)`,
      `before ${pct(s.dedupFractionMin)}-${pct(s.dedupFractionMax)} dedup: ${fmt(raw[0]!)}-` +
        `${fmt(raw[1]!)} PB of logical data`,
      `x ${fmt(d.usersCount)} users (C24) = ${fmt(atScaleEB[0]!)}-${fmt(atScaleEB[1]!)} EB; stated ` +
        `"${s.scaleEBMin}+ EB"`,
    ],
    [...src("stated.C29", "usersCount"), "reports/cost/price-table.ts s3.storageTiers"],
  );
}

/** C34: the three variants' upload times at the link speed C27 states. */
export function c34(d: DesignInputs, deltaUploadSMax: number): Part {
  const s = d.stated.C34;
  const bps = d.stated.C27.linkMbps * 1e6;
  const v0 = (s.v0UploadGB * 1e9 * 8) / bps;
  const v1 = (d.blockSizeBytes * 8) / bps;
  const v1Decimal = (4e6 * 8) / bps;
  const v2 = (d.stated.C01.deltaBytes * 8) / bps;
  const ok =
    v0 >= statedInterval(s.v0UploadSMin).low && roundsTo(v1, s.v1UploadS) && v2 < deltaUploadSMax;
  return part(
    verdictOf(ok),
    [`V0 ${fmt(v0)} s`, `V1 ${fmt(v1)} s`, `V2 ${fmt(v2 * 1000)} ms on the wire`],
    [
      decimalUnits + `; link ${d.stated.C27.linkMbps} Mbps (C27), no protocol overhead or RTT`,
      `V0: ${s.v0UploadGB} GB x 8 / link = ${fmt(v0)} s; stated ${s.v0UploadSMin} s+`,
      `V1: ${fmt(d.blockSizeBytes)} B x 8 / link = ${fmt(v1)} s (${fmt(v1Decimal)} s for 4 MB); ` +
        `stated ${intervalText(s.v1UploadS)} s`,
      `V2: ${d.stated.C01.deltaBytes} B x 8 / link = ${fmt(v2 * 1000)} ms; stated < ` +
        `${fmt(deltaUploadSMax)} s (transfer only: the measured p99 decides the rest)`,
    ],
    src("stated.C34", "stated.C27.linkMbps", "blockSizeBytes", "stated.C01.deltaBytes"),
  );
}

/** C35: edits a day x bytes per edit, chunking and delta. */
export function c35(d: DesignInputs): Part {
  const s = d.stated.C35;
  const chunkMB = (s.editsPerDay * d.blockSizeBytes) / 1e6;
  const deltaKB = (s.editsPerDay * d.stated.C01.deltaBytes) / 1e3;
  const ok = roundsTo(chunkMB, s.chunkingMBPerDay) && roundsTo(deltaKB, s.deltaKBPerDay);
  return part(
    ok ? "holds" : "inconsistent",
    [`${fmt(chunkMB)} MB/day chunked`, `${fmt(deltaKB)} KB/day delta`],
    [
      decimalUnits,
      `${s.editsPerDay} x ${fmt(d.blockSizeBytes)} B = ${fmt(chunkMB)} MB; stated ` +
        intervalText(s.chunkingMBPerDay),
      `${s.editsPerDay} x ${d.stated.C01.deltaBytes} B (C01) = ${fmt(deltaKB)} KB; stated ` +
        intervalText(s.deltaKBPerDay),
    ],
    src("stated.C35", "blockSizeBytes", "stated.C01.deltaBytes"),
    ok ? undefined : "C35's daily totals are not its edits x C01's per-edit figures",
  );
}

/** C36's V0 part: a 5 s poll delays a change by 0 to 5 s. */
export function c36Polling(d: DesignInputs): Part {
  const interval = d.stated.C20.pollIntervalS;
  const ok = interval <= d.stated.C36.syncDelaySMax.V0;
  return part(
    verdictOf(ok),
    [`V0 delay 0-${interval} s`],
    [
      `a change waits for the next poll: uniform on 0 .. ${interval} s (C20's interval), mean ` +
        `${fmt(interval / 2)} s; stated 0-${d.stated.C36.syncDelaySMax.V0} s`,
    ],
    src("stated.C20.pollIntervalS", "stated.C36"),
  );
}
