// `syncbench client sync DIR --user U --device D [--once] [--json]`: runs the sync client of
// reference-impl/client/sync-client.ts on a folder against the running stack. One pass (scan and
// upload), then, without --once, listens for notifications and runs a pass after each change (and
// every 10 s, for local edits) until interrupted.
import { isAbsolute, resolve } from "node:path";
import { statSync } from "node:fs";
import { SyncClient, type PassReport } from "../../reference-impl/client/sync-client.ts";
import { exitCodes } from "../../reference-impl/runtime/exit-codes.ts";
import { stackToken } from "../../reference-impl/stack/stack-access.ts";
import { commonOptions, parseFlags, UsageError, type Command } from "../command.ts";
import { providerFor } from "../stack-cli.ts";

const passIntervalMs = 10_000;

export const command: Command = {
  summary: "keep a folder in sync with a user's files on the running stack (sync client)",
  help: `usage: syncbench client sync DIR --user U --device D [--once] [--json]

Scans DIR, uploads what changed since the last pass (a delta per changed block against the
blocks this device last synced, whole blocks otherwise; deletions; on a version conflict the
local bytes become "name (conflicted copy from D).ext"), then listens on the notification
WebSocket (/v1/notifications, reconnecting with backoff 0.5-30 s and full jitter) and runs a pass
after each change and every ${passIntervalMs / 1000} s. State: DIR/.syncbench-client/.
Downloading other devices' changes waits for the DownloadService: they are listed as pending.

  --user     user id (1..256 characters)
  --device   device id (1..64 of [A-Za-z0-9._-])
  --once     one pass, then exit
  --json     one JSON object per pass: files up/down/deleted, bytes sent/received, blocks
             deduplicated and sent as deltas, conflicts, pending downloads

exit codes: 0 done (or interrupted); 1 a request failed; 2 usage error; 3 no stack running.`,
  async run(args, ctx) {
    const { values, positionals } = parseFlags(args, {
      ...commonOptions,
      user: { type: "string" },
      device: { type: "string" },
      once: { type: "boolean" },
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
          : `up ${report.filesUp} (${report.bytesSent} B sent, ${report.blocksAsDelta} block deltas, ` +
              `${report.blocksDeduplicated} blocks deduplicated), deleted ${report.filesDeleted}, conflicts ${report.conflicts}, ` +
              `pending downloads ${report.pendingDownloads}`,
      );
    print(await client.pass());
    if (values.once) return exitCodes.ok;
    const stop = new AbortController();
    process.once("SIGINT", () => stop.abort());
    process.once("SIGTERM", () => stop.abort());
    let running = Promise.resolve();
    const schedule = () => {
      running = running.then(async () => print(await client.pass()));
    };
    const timer = setInterval(schedule, passIntervalMs);
    await client.listen(stop.signal, schedule);
    clearInterval(timer);
    await running;
    return exitCodes.ok;
  },
};
