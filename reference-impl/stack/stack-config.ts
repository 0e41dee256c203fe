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
  const chunkServiceCount = chunkValue === undefined ? base.chunkServiceCount : Number(chunkValue);
  if (
    !Number.isInteger(chunkServiceCount) ||
    chunkServiceCount < 1 ||
    chunkServiceCount > chunkServicesMax
  ) {
    errors.push(
      `--chunk-services must be an integer from 1 to ${chunkServicesMax}, got "${chunkValue}"`,
    );
  }
  const downloadValue = flags.downloadServices ?? env.SYNCBENCH_DOWNLOAD_SERVICES;
  const downloadServiceCount =
    downloadValue === undefined ? base.downloadServiceCount : Number(downloadValue);
  if (
    !Number.isInteger(downloadServiceCount) ||
    downloadServiceCount < 1 ||
    downloadServiceCount > chunkServicesMax
  ) {
    errors.push(
      `--download-services must be an integer from 1 to ${chunkServicesMax}, got "${downloadValue}"`,
    );
  }
  const notifyValue = flags.notificationServices ?? env.SYNCBENCH_NOTIFICATION_SERVICES;
  const notificationServiceCount =
    notifyValue === undefined ? base.notificationServiceCount : Number(notifyValue);
  if (
    !Number.isInteger(notificationServiceCount) ||
    notificationServiceCount < 1 ||
    notificationServiceCount > chunkServicesMax
  ) {
    errors.push(
      `--notification-services must be an integer from 1 to ${chunkServicesMax}, got "${notifyValue}"`,
    );
  }
  const offsetValue = env.SYNCBENCH_PORT_OFFSET;
  const portOffset = offsetValue === undefined ? 0 : Number(offsetValue);
  if (!Number.isInteger(portOffset) || portOffset < 0 || portOffset > portOffsetMax) {
    errors.push(
      `SYNCBENCH_PORT_OFFSET must be an integer from 0 to ${portOffsetMax}, got "${offsetValue}"`,
    );
  }
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
    },
  };
}
