// `syncbench up`: installs (once) and starts the whole stack; idempotent.
import { exitCodes } from "../../reference-impl/runtime/exit-codes.ts";
import { commonOptions, parseFlags, type Command } from "../command.ts";
import { allHealthy, printStatus, providerFor } from "../stack-cli.ts";

export const command: Command = {
  summary: "install (once) and start the stack: postgres, kafka, s3, redis, nginx",
  help: `usage: syncbench up [--provider native|testcontainers|auto] [--chunk-services N]
                   [--download-services M] [--notification-services K] [--json]

Starts PostgreSQL 15, Apache Kafka 4 (KRaft, topic file-events with 64 partitions), an S3 server
(versitygw, or s3rver when Go is missing), Redis and nginx (ApiGateway + CDN edge) on loopback.
The native provider installs what is missing once (apt, Maven Central, Go module proxy) into
.syncbench/cache/. A second call finds the running servers and starts only what is down.

  --provider        native (local processes; default where no Docker engine answers),
                    testcontainers (default where one does), auto
  --chunk-services  ChunkService processes behind the UploadLB (1-16, default 2)
  --download-services  DownloadService processes behind the DownloadLB (1-16, default 2)
  --notification-services  NotificationService processes behind the gateway's WebSocket
                    route /v1/notifications (1-16, default 2)
  --json            print the status as JSON

Exit codes: 0 all healthy; 3 a server could not be installed or started (everything this call
started is stopped again; the message names the server, its log and the log's last lines).`,
  async run(args, ctx) {
    const { values } = parseFlags(
      args,
      {
        ...commonOptions,
        provider: { type: "string" },
        "chunk-services": { type: "string" },
        "download-services": { type: "string" },
        "notification-services": { type: "string" },
      },
      false,
    );
    const provider = await providerFor(ctx, {
      provider: values.provider,
      chunkServices: values["chunk-services"],
      downloadServices: values["download-services"],
      notificationServices: values["notification-services"],
    });
    const startedAtMs = Date.now();
    const status = await provider.up({
      onProgress: values.json ? undefined : (line) => ctx.out(ctx.color.dim(line)),
    });
    const elapsedMs = Date.now() - startedAtMs;
    if (values.json) ctx.out(JSON.stringify({ ...status, upMs: elapsedMs }, null, 2));
    else {
      printStatus(ctx, status);
      ctx.out(`up in ${(elapsedMs / 1000).toFixed(1)} s; stop it with: npx syncbench down`);
    }
    return allHealthy(status) ? exitCodes.ok : exitCodes.environmentMissing;
  },
};
