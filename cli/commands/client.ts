// `syncbench client sync DIR --user U --device D [--once] [--json]`: runs the sync client of
// reference-impl/client/sync-client.ts on a folder against the running stack. One pass (other
// devices' changes down, this folder's changes up), then, without --once, listens for
// notifications and runs a pass after each change (and every 10 s, for local edits) until
// interrupted.
import { isAbsolute, resolve } from "node:path";
import { statSync } from "node:fs";
import { transports, type Transport } from "../../reference-impl/client/notification-listener.ts";
import { SyncClient, type PassReport } from "../../reference-impl/client/sync-client.ts";
import { exitCodes } from "../../reference-impl/runtime/exit-codes.ts";
import { stackToken } from "../../reference-impl/stack/stack-access.ts";
import { commonOptions, parseFlags, UsageError, type Command } from "../command.ts";
import { providerFor } from "../stack-cli.ts";

const passIntervalMs = 10_000;

export const command: Command = {
  summary: "keep a folder in sync with a user's files on the running stack (sync client)",
  help: `usage: syncbench client sync DIR --user U --device D [--once] [--transport T] [--json]

Each pass first applies other devices' changes (the version's block list from the
DownloadService; blocks this device holds are reused, the rest fetched through their signed
edge URLs and checked against their SHA-256; files written through a temporary file, fsync,
rename; deletes and renames applied; a local edit in the way is kept as a conflicted copy),
then uploads what changed in DIR (a delta per changed block against the blocks this device last
synced, whole blocks otherwise; deletions; on a version conflict the local bytes become
"name (conflicted copy from D).ext"). A device's first pass, and every --once pass, compares
the whole listing; later ones follow notifications: the WebSocket (/v1/notifications,
reconnecting with backoff 0.5-30 s and full jitter, catching up from its cursor), or the
long-poll when the socket cannot connect. A pass runs after each change and every
${passIntervalMs / 1000} s. State: DIR/.syncbench-client/.

  --user       user id (1..256 characters)
  --device     device id (1..64 of [A-Za-z0-9._-])
  --once       one pass, then exit
  --transport  auto (default: WebSocket, long-poll after 2 refusals), websocket or longpoll
  --json       one JSON object per pass: files up/down/deleted, bytes sent/received, blocks
               deduplicated, sent as deltas and reused, conflicts, pending downloads

exit codes: 0 done (or interrupted); 1 a request failed; 2 usage error; 3 no stack running.`,
  async run(args, ctx) {
    const { values, positionals } = parseFlags(args, {
      ...commonOptions,
      user: { type: "string" },
      device: { type: "string" },
      once: { type: "boolean" },
      transport: { type: "string" },
    });
    const [sub, dirArg, ...extra] = positionals;
    if (sub !== "sync" || dirArg === undefined || extra.length > 0)
      throw new UsageError("expected: client sync DIR --user U --device D");
    const user = values.user ?? "";
    if (user.length < 1 || user.length > 256)
      throw new UsageError(`--user must be 1..256 characters, got "${user}"`);
    const deviceId = values.device ?? "";
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(deviceId))
      throw new UsageError(`--device must be 1..64 of [A-Za-z0-9._-], got "${deviceId}"`);
    const transport = (values.transport ?? "auto") as Transport;
    if (!transports.includes(transport))
      throw new UsageError(
        `--transport must be ${transports.join(", ")}, got "${String(values.transport)}"`,
      );
    const dir = isAbsolute(dirArg) ? dirArg : resolve(process.cwd(), dirArg);
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory())
      throw new UsageError(`DIR must be a folder, got "${dirArg}"`);
    const provider = await providerFor(ctx);
    const { gatewayUrl } = await provider.endpointsWithSecrets();
    const token = () => stackToken(provider, { user, ttlS: 3600, nowMs: Date.now() }).token;
    const client = new SyncClient({
      dir,
      gatewayUrl,
      token,
      deviceId,
      random: Math.random,
      log: (line) => {
        if (!values.json) ctx.out(line);
      },
    });
    const print = (report: PassReport) =>
      ctx.out(
        values.json
          ? JSON.stringify(report)
          : `up ${report.filesUp} (${report.bytesSent} B sent, ${report.blocksAsDelta} block ` +
              `deltas, ${report.blocksDeduplicated} blocks deduplicated), deleted ` +
              `${report.filesDeleted}; down ${report.filesDown} (${report.bytesReceived} B ` +
              `received, ${report.blocksReused} blocks reused), deleted here ` +
              `${report.filesDeletedHere}; conflicts ${report.conflicts}, pending downloads ` +
              `${report.pendingDownloads}`,
      );
    print(await client.pass({ full: values.once === true }));
    if (values.once) return exitCodes.ok;
    const stop = new AbortController();
    process.once("SIGINT", () => stop.abort());
    process.once("SIGTERM", () => stop.abort());
    let running = Promise.resolve();
    const schedule = () => {
      // A failed pass is reported and the next one retries: the client keeps running.
      running = running
        .then(async () => print(await client.pass()))
        .catch((error: unknown) => ctx.err(`pass failed: ${(error as Error).message}`));
    };
    const timer = setInterval(schedule, passIntervalMs);
    await client.listen(stop.signal, schedule, transport);
    clearInterval(timer);
    await running;
    return exitCodes.ok;
  },
};
