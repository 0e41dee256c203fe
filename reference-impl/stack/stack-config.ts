// Stack configuration in layers: defaults, then SYNCBENCH_* environment variables, then CLI flags
// (STYLE.md section 4). Validated once; every problem is reported at once with value and limit.
import { fileURLToPath } from "node:url";
import { SyncbenchError } from "../core/errors.ts";
import {
  defaultNativeConfig,
  type NativeConfig,
  type NativePorts,
  type S3ServerKind,
} from "./native/native-config.ts";
import type { ProviderName } from "./provider.ts";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");

export interface StackFlags {
  readonly provider?: string;
  readonly chunkServices?: string;
  readonly downloadServices?: string;
  readonly notificationServices?: string;
}

export interface StackConfig {
  /** undefined: auto-select (testcontainers where a Docker engine answers, otherwise native). */
  readonly provider: ProviderName | undefined;
  readonly native: NativeConfig;
}

const chunkServicesMax = 16;
/** Keeps the highest default port (63790) plus the offset below 65536. */
const portOffsetMax = 1000;

/** Every loopback port moved by one offset, so two stacks (two checkouts) can run side by side. */
function offsetPorts(ports: NativePorts, offset: number): NativePorts {
  return Object.fromEntries(
    Object.entries(ports).map(([k, v]) => [k, v + offset]),
  ) as unknown as NativePorts;
}

/**
 * An integer setting from min to max, the fallback when it is not given; a bad value adds an
 * error naming the setting, the range and the value seen, and returns the fallback.
 */
function boundedInteger(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
  errors: string[],
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (Number.isInteger(n) && n >= min && n <= max) return n;
  errors.push(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
  return fallback;
}

export function loadStackConfig(
  env: Readonly<Record<string, string | undefined>>,
  flags: StackFlags = {},
): StackConfig {
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
  const chunkServiceCount = boundedInteger(
    "--chunk-services",
    chunkValue,
    base.chunkServiceCount,
    1,
    chunkServicesMax,
    errors,
  );
  const downloadValue = flags.downloadServices ?? env.SYNCBENCH_DOWNLOAD_SERVICES;
  const downloadServiceCount = boundedInteger(
    "--download-services",
    downloadValue,
    base.downloadServiceCount,
    1,
    chunkServicesMax,
    errors,
  );
  const notificationValue = flags.notificationServices ?? env.SYNCBENCH_NOTIFICATION_SERVICES;
  const notificationServiceCount = boundedInteger(
    "--notification-services",
    notificationValue,
    base.notificationServiceCount,
    1,
    chunkServicesMax,
    errors,
  );
  const portOffset = boundedInteger(
    "SYNCBENCH_PORT_OFFSET",
    env.SYNCBENCH_PORT_OFFSET,
    0,
    0,
    portOffsetMax,
    errors,
  );
  if (errors.length > 0) {
    throw new SyncbenchError(
      "STACK_CONFIG_INVALID",
      `invalid stack configuration: ${errors.join("; ")}; nothing was started`,
    );
  }
  const rootDir = env.SYNCBENCH_HOME ?? base.rootDir;
  return {
    provider,
    native: {
      ...base,
      rootDir,
      ports: offsetPorts(base.ports, portOffset),
      cacheDir: env.SYNCBENCH_CACHE_DIR ?? `${rootDir}/cache`,
      s3Server: s3Value as S3ServerKind,
      chunkServiceCount,
      chunkServiceCountGiven: chunkValue !== undefined,
      downloadServiceCount,
      downloadServiceCountGiven: downloadValue !== undefined,
      notificationServiceCount,
      notificationServiceCountGiven: notificationValue !== undefined,
    },
  };
}
