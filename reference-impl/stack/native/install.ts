// Installs the native stack's servers once, from the machine's ordinary registries: PostgreSQL 15,
// Redis and nginx from Debian's apt; the Kafka broker's jars from Maven Central through the pom in
// ./kafka/; versitygw built from the Go module proxy. Everything fetched lands in the cache folder,
// so a second `up` installs nothing. A failure is an ENV_MISSING error naming the fixing command.
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SyncbenchError } from "../../core/errors.ts";
import type { NativeConfig } from "./native-config.ts";
import { runCommand, which } from "./run-command.ts";

export type Progress = (line: string) => void;

const aptTimeoutMs = 10 * 60_000;
let aptUpdated = false;

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

async function aptInstall(packages: readonly string[], progress: Progress): Promise<void> {
  const command = `apt-get install -y ${packages.join(" ")}`;
  if (!isRoot()) {
    throw new SyncbenchError(
      "ENV_MISSING",
      `${packages.join(", ")} not installed and not running as root`,
      {
        hint: `run: sudo ${command}`,
      },
    );
  }
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  if (!aptUpdated) {
    progress("  apt-get update (about 5-20 s)");
    const update = await runCommand("apt-get", ["update", "-qq"], { env, timeoutMs: aptTimeoutMs });
    // A failed update is not fatal (the lists may be recent enough); the install below says if it was.
    if (update.exitCode !== 0)
      progress(`  apt-get update failed (exit ${update.exitCode}): ${update.output.slice(-300)}`);
    aptUpdated = true;
  }
  progress(`  ${command} (about 10-60 s a package set: the download is ~100 MB in all)`);
  const result = await runCommand("apt-get", ["install", "-y", "-qq", ...packages], {
    env,
    timeoutMs: aptTimeoutMs,
  });
  if (result.exitCode !== 0) {
    throw new SyncbenchError(
      "ENV_MISSING",
      `${command} failed (exit ${result.exitCode}): ${result.output.slice(-600)}`,
      {
        hint: `run it by hand to see the full error: ${command}`,
      },
    );
  }
}

/** Returns the path of `binary`, installing `aptPackage` when it is missing. */
export async function ensureAptBinary(
  binary: string,
  searchPaths: readonly string[],
  aptPackage: string,
  progress: Progress,
): Promise<string> {
  const found = await which(binary, searchPaths);
  if (found) return found;
  await aptInstall([aptPackage], progress);
  const installed = await which(binary, searchPaths);
  if (!installed) {
    throw new SyncbenchError(
      "ENV_MISSING",
      `${aptPackage} was installed but ${binary} is still not found`,
      {
        hint: `check: dpkg -L ${aptPackage} | grep bin/${binary}`,
      },
    );
  }
  return installed;
}

export const postgresBinDir = "/usr/lib/postgresql/15/bin";

export async function ensurePostgres(progress: Progress): Promise<string> {
  await ensureAptBinary("postgres", [join(postgresBinDir, "postgres")], "postgresql-15", progress);
  return postgresBinDir;
}

export function kafkaLibsDir(config: NativeConfig): string {
  return join(config.cacheDir, `kafka-${config.kafkaVersion}`, "libs");
}

const kafkaPom = fileURLToPath(new URL("./kafka/pom.xml", import.meta.url));

/** Copies the broker's runtime jars from Maven Central into the cache, once. */
export async function ensureKafka(
  config: NativeConfig,
  progress: Progress,
): Promise<{ libsDir: string; java: string }> {
  const java = await ensureAptBinary("java", [], "openjdk-17-jre-headless", progress);
  const libsDir = kafkaLibsDir(config);
  const marker = join(libsDir, ".complete");
  if (existsSync(marker)) return { libsDir, java };
  const mvn = await ensureAptBinary("mvn", [], "maven", progress);
  progress(
    `  mvn dependency:copy-dependencies (kafka_2.13 ${config.kafkaVersion}) -> ${libsDir} ` +
      "(about 10 s: 43 MB of jars, once)",
  );
  const staging = `${libsDir}.partial`;
  rmSync(staging, { recursive: true, force: true }); // left by an interrupted earlier fetch
  const result = await runCommand(
    mvn,
    [
      "-q",
      "-B",
      "-f",
      kafkaPom,
      `-Dkafka.version=${config.kafkaVersion}`,
      "dependency:copy-dependencies",
      "-DincludeScope=runtime",
      `-DoutputDirectory=${staging}`,
    ],
    { timeoutMs: 15 * 60_000 },
  );
  if (result.exitCode !== 0) {
    throw new SyncbenchError(
      "ENV_MISSING",
      `could not fetch the Kafka jars from Maven Central: ${result.output.slice(-800)}`,
      {
        hint: `run: mvn -B -f ${kafkaPom} dependency:copy-dependencies -DincludeScope=runtime`,
      },
    );
  }
  rmSync(libsDir, { recursive: true, force: true }); // an incomplete copy without the marker
  renameSync(staging, libsDir);
  writeFileSync(marker, `kafka_2.13 ${config.kafkaVersion}\n`);
  return { libsDir, java };
}

/** A Go command built from the Go module proxy into the cache, once, as `<name>-<version>`. */
interface GoTool {
  readonly name: string;
  /** Module path of the command's package, without the version. */
  readonly module: string;
  readonly version: string;
}

/**
 * Builds `tool` with `go install` into the cache's bin/ once; returns its path, or the reason it
 * could not (Go missing, or the build failed) so that each caller decides what that means.
 */
async function ensureGoTool(
  cacheDir: string,
  tool: GoTool,
  progress: Progress,
): Promise<{ binary: string } | { missing: string }> {
  const binDir = join(cacheDir, "bin");
  const binary = join(binDir, `${tool.name}-${tool.version}`);
  if (existsSync(binary)) return { binary };
  const go = await which("go", ["/usr/local/go/bin/go", "/usr/lib/go/bin/go"]);
  if (!go) return { missing: "go not found" };
  // A staging folder per tool: two tools built at once never move each other's binary.
  const gobin = join(cacheDir, `go-bin-staging-${tool.name}`);
  mkdirSync(gobin, { recursive: true });
  const module = `${tool.module}@${tool.version}`;
  // Measured 2026-12-07 on 2 idle cores: ~85 s for versitygw (module download ~3 s; -trimpath
  // and -ldflags "-s -w" changed nothing), so the first `up` stays within its 5-minute budget.
  progress(`  go install ${module} (about 90 s on 2 idle cores, several minutes when busy; once)`);
  const result = await runCommand(go, ["install", module], {
    env: { GOBIN: gobin, CGO_ENABLED: "0" },
    timeoutMs: 20 * 60_000,
  });
  if (result.exitCode !== 0) {
    return { missing: `go install ${module} failed: ${result.output.slice(-300)}` };
  }
  mkdirSync(binDir, { recursive: true });
  renameSync(join(gobin, tool.name), binary);
  return { binary };
}

/** Builds versitygw with `go install`, once; undefined when Go is missing (s3rver is the fallback). */
export async function ensureVersitygw(
  config: NativeConfig,
  progress: Progress,
): Promise<string | undefined> {
  const tool = {
    name: "versitygw",
    module: "github.com/versity/versitygw/cmd/versitygw",
    version: config.versitygwVersion,
  };
  const built = await ensureGoTool(config.cacheDir, tool, progress);
  if ("binary" in built) return built.binary;
  progress(`  ${built.missing}: versitygw cannot be built, falling back to s3rver (npm)`);
  return undefined;
}

/** Vegeta (MIT), the open-model generator the driver bench checks the built-in driver against. */
export const vegetaTool: GoTool = {
  name: "vegeta",
  module: "github.com/tsenart/vegeta/v12",
  version: "v12.13.0",
};

/** Builds Vegeta into the cache once; ENV_MISSING (exit 3) when it cannot be built. */
export async function ensureVegeta(cacheDir: string, progress: Progress): Promise<string> {
  const built = await ensureGoTool(cacheDir, vegetaTool, progress);
  if ("binary" in built) return built.binary;
  throw new SyncbenchError("ENV_MISSING", `vegeta ${vegetaTool.version}: ${built.missing}`, {
    hint: `install Go, then: go install ${vegetaTool.module}@${vegetaTool.version}`,
  });
}
