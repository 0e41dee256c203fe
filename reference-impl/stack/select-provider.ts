// Chooses the stack provider: the flag or SYNCBENCH_PROVIDER when given, otherwise testcontainers
// where a Docker engine answers and native everywhere else (as on this project's machines).
import { dockerEngineAnswers } from "./docker-detect.ts";
import { NativeProvider } from "./native/native-provider.ts";
import type { ProviderName, StackProvider } from "./provider.ts";
import type { StackConfig } from "./stack-config.ts";

export async function chooseProviderName(
  config: StackConfig,
  env: Readonly<Record<string, string | undefined>>,
): Promise<ProviderName> {
  if (config.provider) return config.provider;
  return (await dockerEngineAnswers(env)) ? "testcontainers" : "native";
}

export async function createProvider(
  config: StackConfig,
  env: Readonly<Record<string, string | undefined>>,
): Promise<StackProvider> {
  const name = await chooseProviderName(config, env);
  if (name === "native") return new NativeProvider(config.native);
  const { TestcontainersProvider } = await import("./testcontainers/testcontainers-provider.ts");
  return new TestcontainersProvider(config.native.rootDir, config.native);
}
