// The S3-compatible BlockStore server: versitygw (Go, POSIX backend, built once with `go install`)
// by default, s3rver (npm) as the fallback that needs nothing but npm. Both serve path-style URLs on
// loopback; the bucket `blocks` is created once the server answers.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CreateBucketCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import type { S3Endpoint } from "../endpoints.ts";
import { ensureVersitygw } from "./install.ts";
import type { NativeConfig, S3ServerKind } from "./native-config.ts";
import { servicePaths } from "./native-config.ts";
import {
  describeError,
  type HealthResult,
  type LaunchSpec,
  type NativeService,
} from "./native-service.ts";
import { stackSecrets } from "./stack-secrets.ts";

export const blocksBucket = "blocks";

/** The key pair is generated per stack on the first `up` (stack-secrets.ts). */
export function s3Endpoint(config: NativeConfig): S3Endpoint {
  const secrets = stackSecrets(config);
  return {
    url: `http://127.0.0.1:${config.ports.s3}`,
    region: "us-east-1",
    accessKeyId: secrets.s3AccessKeyId,
    secretAccessKey: secrets.s3SecretAccessKey,
    bucket: blocksBucket,
  };
}

/** An S3 client with the settings every adapter and check uses (see block-store.s3.ts). */
export function s3Client(endpoint: S3Endpoint, timeoutMs = 2000): S3Client {
  return new S3Client({
    endpoint: endpoint.url,
    region: endpoint.region,
    forcePathStyle: true,
    credentials: { accessKeyId: endpoint.accessKeyId, secretAccessKey: endpoint.secretAccessKey },
    // The SDK's default (WHEN_SUPPORTED) sends stream bodies aws-chunked, which some servers store
    // framing and all (a 4 MiB object came back 4,194,360 bytes on s3rver). Checksums only when required.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    maxAttempts: 1,
    requestHandler: { requestTimeout: timeoutMs, connectionTimeout: timeoutMs },
  });
}

const s3rverMain = fileURLToPath(new URL("./s3rver-main.mjs", import.meta.url));

export function s3Service(config: NativeConfig, kind: { current: S3ServerKind }): NativeService {
  const paths = servicePaths(config, "s3");
  const endpoint = s3Endpoint(config);
  let versitygw: string | undefined;
  return {
    name: "s3",
    endpoint: endpoint.url,
    stopSignal: "SIGTERM",
    stopGraceMs: 10_000,
    startTimeoutMs: 30_000,
    async install(progress) {
      if (kind.current === "versitygw") {
        versitygw = await ensureVersitygw(config, progress);
        if (!versitygw) kind.current = "s3rver";
      }
    },
    async prepare(): Promise<LaunchSpec> {
      // Separate names: versitygw rejects a sidecar whose path merely starts with the root's path.
      const root = join(paths.dataDir, kind.current === "s3rver" ? "s3rver-data" : "buckets");
      mkdirSync(root, { recursive: true });
      if (kind.current === "s3rver" || !versitygw) {
        return {
          command: process.execPath,
          args: [s3rverMain, String(config.ports.s3), root],
          env: {
            S3RVER_ACCESS_KEY_ID: endpoint.accessKeyId,
            S3RVER_SECRET_ACCESS_KEY: endpoint.secretAccessKey,
          },
        };
      }
      const sidecar = join(paths.dataDir, "meta");
      mkdirSync(sidecar, { recursive: true });
      return {
        command: versitygw,
        // --keep-alive: without it versitygw answers every request with Connection: close;
        // --quiet: no log line per request (the bench in stack/bench measured both).
        args: [
          "--port",
          `127.0.0.1:${config.ports.s3}`,
          "--keep-alive",
          "--quiet",
          "posix",
          "--sidecar",
          sidecar,
          root,
        ],
        env: { ROOT_ACCESS_KEY: endpoint.accessKeyId, ROOT_SECRET_KEY: endpoint.secretAccessKey },
      };
    },
    check: () => checkS3(endpoint, kind.current),
    async afterHealthy() {
      await ensureBucket(endpoint);
    },
  };
}

export async function checkS3(endpoint: S3Endpoint, kind: string): Promise<HealthResult> {
  const client = s3Client(endpoint, 1500);
  try {
    await client.send(new ListBucketsCommand({}));
    return { healthy: true, implementation: kind };
  } catch (error) {
    return { healthy: false, implementation: kind, detail: describeError(error) };
  } finally {
    client.destroy();
  }
}

export async function ensureBucket(endpoint: S3Endpoint): Promise<void> {
  const client = s3Client(endpoint, 5000);
  try {
    await client.send(new HeadBucketCommand({ Bucket: endpoint.bucket }));
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status !== 404) throw error;
    await client.send(new CreateBucketCommand({ Bucket: endpoint.bucket }));
  } finally {
    client.destroy();
  }
}
