// Stack configuration in layers: defaults, then SYNCBENCH_* environment variables, then CLI flags
// (STYLE.md section 4). Validated once; every problem is reported at once with value and limit.
import { fileURLToPath } from "node:url";
import { SyncbenchError } from "../core/errors.ts";
import { defaultNativeConfig, type NativeConfig, type S3ServerKind } from "./native/native-config.ts";
import type { ProviderName } from "./provider.ts";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");

export interface StackFlags {
  readonly provider?: string;
  readonly chunkServices?: string;
}

export interface StackConfig {
  /** undefined: auto-select (testcontainers where a Docker engine answers, otherwise native). */
  readonly provider: ProviderName | undefined;
  readonly native: NativeConfig;
}

const chunkServicesMax = 16;

export function loadStackConfig(env: Readonly<Record<string, string | undefined>>, flags: StackFlags = {}): StackConfig {
  const base = defaultNativeConfig(repoRoot);
  const errors: string[] = [];
  const providerValue = flags.provider ?? env.SYNCBENCH_PROVIDER;
  let provider: ProviderName | undefined;
  if (providerValue === "native" || providerValue === "testcontainers") provider = providerValue;
  else if (providerValue !== undefined && providerValue !== "auto") {
    errors.push(`provider must be native, testcontainers or auto, got "${providerValue}"`);
  }
  const s3Value = env.SYNCBENCH_S3_SERVER ?? base.s3Server;
  if (s3Value !== "versitygw" && s3Value !== "s3rver") {
    errors.push(`SYNCBENCH_S3_SERVER must be versitygw or s3rver, got "${s3Value}"`);
  }
  const chunkValue = flags.chunkServices ?? env.SYNCBENCH_CHUNK_SERVICES;
  const chunkServiceCount = chunkValue === undefined ? base.chunkServiceCount : Number(chunkValue);
  if (!Number.isInteger(chunkServiceCount) || chunkServiceCount < 1 || chunkServiceCount > chunkServicesMax) {
    errors.push(`--chunk-services must be an integer from 1 to ${chunkServicesMax}, got "${chunkValue}"`);
  }
  if (errors.length > 0) {
    throw new SyncbenchError("STACK_CONFIG_INVALID", `invalid stack configuration: ${errors.join("; ")}; nothing was started`);
  }
  const rootDir = env.SYNCBENCH_HOME ?? base.rootDir;
  return {
    provider,
    native: { ...base, rootDir, cacheDir: env.SYNCBENCH_CACHE_DIR ?? `${rootDir}/cache`,
      s3Server: s3Value as S3ServerKind, chunkServiceCount, chunkServiceCountGiven: chunkValue !== undefined },
  };
}
