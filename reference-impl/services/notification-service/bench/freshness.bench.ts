// End-to-end freshness on the running stack: device A's write returning -> device B holding the
// identical bytes on disk, over many edits (one at a time, so no edit queues behind another), split
// into its parts from the timestamps each stage stamps: the commit (event.timestampMs, ChunkService),
// the outbox publish (Kafka's CreateTime), the NotificationService's consume and push, B's receive,
// B's block download and atomic write. Beside it on the same edits: device C on the long-poll (C21:
// push vs polling), and an anchor measured in the same run (a gateway round trip to the
// NotificationService that reads Redis once). Verdicts against C10 and C11 (core/design-figures.ts).
// All clocks are this machine's, so the parts add up; on a shared machine read them with the anchor.
// `npm run bench:freshness [-- --edits N] [--json]`.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Notification, Transport } from "../../../client/notification-listener.ts";
import { SyncClient } from "../../../client/sync-client.ts";
import { latencyTarget } from "../../../core/design-figures.ts";
import { signJwt } from "../../../runtime/jwt.ts";
import { createProvider } from "../../../stack/select-provider.ts";
import { loadStackConfig } from "../../../stack/stack-config.ts";

const editsMin = 1;
const editsMax = 5_000;
/** Past this an edit is reported as lost (a hang becomes a message). */
const editWaitMsMax = 30_000;

interface Sample {
  upload: number;
  commitToPublish: number;
  publishToConsume: number;
  consumeToPush: number;
  pushToDevice: number;
  downloadAndWrite: number;
  endToEnd: number;
  /** C11: commit -> device B told. */
  notification: number;
  /** C10: Kafka publish -> device B told. */
  push: number;
  /** C21: commit -> device C told on the long-poll, and the anchor of this edit. */
  longPoll: number;
  anchor: number;
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

function parseOptions(argv: readonly string[]): { edits: number; json: boolean } {
  const { values } = parseArgs({
    args: [...argv],
    options: { edits: { type: "string" }, json: { type: "boolean" } },
  });
  const edits = Number(values.edits ?? "200");
  if (!Number.isInteger(edits) || edits < editsMin || edits > editsMax) {
    throw new Error(
      `--edits must be an integer ${editsMin}..${editsMax}, got ${JSON.stringify(values.edits)}`,
    );
  }
  return { edits, json: values.json === true };
}

/** A device of the bench's user: its folder, client, and what it was told (eventId -> message). */
function device(gatewayUrl: string, token: () => string, deviceId: string) {
  const dir = mkdtempSync(join(tmpdir(), `freshness-${deviceId}-`));
  const client = new SyncClient({
    dir,
    gatewayUrl,
    token,
    deviceId,
    random: Math.random,
    log: () => undefined,
  });
  return { dir, client, told: new Map<string, Notification>() };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const env = process.env;
  const provider = await createProvider(loadStackConfig(env), env);
  const { gatewayUrl } = await provider.endpointsWithSecrets();
  const jwtSecret = provider.secrets()?.jwtSecret;
  if (!jwtSecret)
    throw new Error(
      "the stack's provider runs no services (native provider only): npx syncbench up",
    );
  const user = `bench-freshness-${Date.now()}`;
  const token = () => signJwt({ sub: user, exp: Math.floor(Date.now() / 1000) + 3600 }, jwtSecret);
  const [a, b, c] = ["writer", "pushed", "polled"].map((d) => device(gatewayUrl, token, d)) as [
    ReturnType<typeof device>,
    ReturnType<typeof device>,
    ReturnType<typeof device>,
  ];
  await Promise.all([a.client.pass(), b.client.pass(), c.client.pass()]);
  const stop = new AbortController();
  const onDisk = new Map<string, number>(); // "path@version" -> when B's pass that wrote it ended
  let wake: () => void = () => undefined;
  let running: Promise<unknown> = Promise.resolve();
  const listenOn = (d: typeof b, transport: Transport, passes: boolean) =>
    void d.client.listen(
      stop.signal,
      (message) => {
        if (message.event)
          d.told.set(`${message.event.filePath}@${message.event.version}`, message);
        if (passes) {
          running = running.then(async () => {
            await d.client.pass();
            const now = Date.now();
            for (const [path, synced] of Object.entries(d.client.state.files))
              if (!onDisk.has(`${path}@${synced.version}`))
                onDisk.set(`${path}@${synced.version}`, now);
            wake();
          });
        }
        wake();
      },
      transport,
    );
  listenOn(b, "websocket", true);
  listenOn(c, "longpoll", false);
  const anchor = async () => {
    const start = performance.now();
    const response = await fetch(`${gatewayUrl}/v1/notifications/longpoll?device=anchor`, {
      headers: { authorization: `Bearer ${token()}` },
    });
    await response.arrayBuffer();
    return performance.now() - start;
  };
  const samples: Sample[] = [];
  const lost: string[] = [];
  process.stderr.write(`freshness: ${options.edits} edits of 2 KiB by device A…\n`);
  for (let i = 0; i < options.edits; i++) {
    const name = `f-${i % 10}.bin`;
    writeFileSync(join(a.dir, name), randomBytes(2048));
    const start = Date.now();
    await a.client.pass();
    const returned = Date.now();
    const key = `/${name}@${a.client.state.files[`/${name}`]!.version}`;
    const giveUp = returned + editWaitMsMax;
    while (!(onDisk.has(key) && c.told.has(key)) && Date.now() < giveUp) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 1_000);
      });
    }
    const pushed = b.told.get(key);
    const polled = c.told.get(key);
    const written = onDisk.get(key);
    const trace = pushed?.trace;
    if (!pushed || !polled || written === undefined || !trace?.publishedAtMs) {
      lost.push(key);
      continue;
    }
    const committed = pushed.event!.timestampMs;
    samples.push({
      upload: returned - start,
      commitToPublish: trace.publishedAtMs - committed,
      publishToConsume: trace.consumedAtMs! - trace.publishedAtMs,
      consumeToPush: trace.pushedAtMs! - trace.consumedAtMs!,
      pushToDevice: pushed.receivedAtMs - trace.pushedAtMs!,
      downloadAndWrite: written - pushed.receivedAtMs,
      endToEnd: written - returned,
      notification: pushed.receivedAtMs - committed,
      push: pushed.receivedAtMs - trace.publishedAtMs,
      longPoll: polled.receivedAtMs - committed,
      anchor: await anchor(),
    });
    if ((i + 1) % 50 === 0) process.stderr.write(`  ${i + 1}/${options.edits}\n`);
  }
  stop.abort();
  await running;
  for (const d of [a, b, c]) rmSync(d.dir, { recursive: true, force: true });
  report(samples, lost, options);
}

const rows: { key: keyof Sample; label: string }[] = [
  { key: "upload", label: "A's upload (write -> pass returns)" },
  { key: "commitToPublish", label: "  commit -> outbox publish (Kafka)" },
  { key: "publishToConsume", label: "  publish -> NotificationService consume" },
  { key: "consumeToPush", label: "  consume -> push (log, registry, pod bus)" },
  { key: "pushToDevice", label: "  push -> device B reads it" },
  { key: "downloadAndWrite", label: "  B: block list, download, atomic write" },
  { key: "endToEnd", label: "A's write returning -> B holds the bytes" },
  { key: "notification", label: "commit -> B told (WebSocket push)" },
  { key: "longPoll", label: "commit -> C told (long-poll)" },
  { key: "push", label: "Kafka publish -> B told" },
  { key: "anchor", label: "anchor: gateway -> NotificationService -> Redis" },
];

function report(
  samples: readonly Sample[],
  lost: readonly string[],
  options: { edits: number; json: boolean },
): void {
  const column = (key: keyof Sample) => samples.map((s) => s[key]);
  const figures = Object.fromEntries(
    rows.map(({ key }) => [
      key,
      { p50: quantile(column(key), 0.5), p99: quantile(column(key), 0.99) },
    ]),
  ) as Record<keyof Sample, { p50: number; p99: number }>;
  const c10 = latencyTarget("notification.freshnessMsP50");
  const c11 = latencyTarget("notification.freshnessMsP99");
  const verdicts = [
    {
      claim: "C10",
      statement: c10.statement,
      measured: `Kafka publish -> device p50 ${figures.push.p50.toFixed(0)} ms, p99 ${figures.push.p99.toFixed(0)} ms`,
      holds: figures.push.p50 <= c10.latencyMsMax,
      holdsAtP99: figures.push.p99 <= c10.latencyMsMax,
      limitMs: c10.latencyMsMax,
    },
    {
      claim: "C11",
      statement: c11.statement,
      measured: `commit -> device notified p99 ${figures.notification.p99.toFixed(0)} ms; A's write returning -> B on disk p99 ${figures.endToEnd.p99.toFixed(0)} ms`,
      holds: figures.notification.p99 <= c11.latencyMsMax,
      limitMs: c11.latencyMsMax,
    },
  ];
  const pushVsPoll = figures.longPoll.p50 / figures.notification.p50;
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ edits: options.edits, samples: samples.length, lost, figures, verdicts, longPollOverPushP50: pushVsPoll })}\n`,
    );
    return;
  }
  const lines = [
    `freshness over ${samples.length} of ${options.edits} edits (${lost.length} lost), ms:`,
    `${"part".padEnd(50)} ${"p50".padStart(8)} ${"p99".padStart(8)}`,
    ...rows.map(
      ({ key, label }) =>
        `${label.padEnd(50)} ${figures[key].p50.toFixed(1).padStart(8)} ${figures[key].p99.toFixed(1).padStart(8)}`,
    ),
    `C10 (${c10.statement}; design target p50 <= ${c10.latencyMsMax} ms): ${verdicts[0]!.measured} -> ` +
      `${verdicts[0]!.holds ? "holds" : "fails"} at p50, ${verdicts[0]!.holdsAtP99 ? "holds" : "fails"} at p99`,
    `C11 (${c11.statement}): ${verdicts[1]!.measured} -> ${verdicts[1]!.holds ? "holds" : "fails"}`,
    `C21 (push vs polling): the long-poll's delay is ${pushVsPoll.toFixed(2)}x the push's at p50 ` +
      "(a held long-poll answers at once; periodic polling at P s would add P/2 on average)",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  if (lost.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:freshness: ${(error as Error).message}\n`);
  process.exit(1);
});
