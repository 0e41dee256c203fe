// The `testcontainers` provider, for hosts with a Docker engine: Postgres, LocalStack (S3),
// Redpanda (Kafka API), Redis, the service pools (one image built from docker/Dockerfile) and nginx
// as containers on one network, with the same endpoints object and variable names as the native
// provider. The CLI starts containers with Ryuk off and records their ids, so
// that `syncbench down` in a later process removes exactly those containers.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { StartedNetwork, StartedTestContainer } from "testcontainers";
import type { StartedLocalStackContainer } from "@testcontainers/localstack";
import type { StartedPostgreSqlContainer } from "@testcontainers/postgresql";
import { SyncbenchError } from "../../core/errors.ts";
import { redactEndpoints, type Endpoints } from "../endpoints.ts";
import type { ProcessName, StackProvider, StackStatus, UpOptions } from "../provider.ts";
import { defaultNativeConfig, type NativeConfig } from "../native/native-config.ts";
import { ensureTopic, fileEventsPartitionCount } from "../native/kafka.ts";
import { ensureBucket } from "../native/s3.ts";
import { stackSecrets, type StackSecrets } from "../native/stack-secrets.ts";
import {
  containerCdnPort,
  containerCredentials,
  containerGatewayPort,
  containerImages,
  containerNetworkEndpoints,
  kafkaExternalPort,
  localstackAlias,
  localstackEnvironment,
  redisConfPath,
  redpandaCommand,
  renderContainerNginxConfFor,
  serverAliases,
  serviceContainerDefinitions,
  serviceDockerfile,
  serviceImage,
  stackLabel,
  type ServiceContainerDefinition,
} from "./testcontainers-config.ts";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

interface ContainerRecord {
  readonly service: ProcessName;
  readonly id: string;
}

interface TcState {
  readonly containers: readonly ContainerRecord[];
  readonly endpoints: Endpoints;
  readonly networkId?: string;
}

export class TestcontainersProvider implements StackProvider {
  readonly name = "testcontainers" as const;
  private readonly stateFile: string;

  private readonly native: NativeConfig;

  /** native: the stack's configuration (pool sizes, the Kafka host port); its defaults if absent. */
  constructor(
    private readonly rootDir: string,
    native?: NativeConfig,
  ) {
    this.stateFile = join(rootDir, "run", "testcontainers.json");
    this.native = native ?? defaultNativeConfig(rootDir);
  }

  async endpointsWithSecrets(): Promise<Endpoints> {
    const state = this.readState();
    if (!state)
      throw new SyncbenchError(
        "STACK_UNHEALTHY",
        "no testcontainers stack is recorded as running",
        { hint: "syncbench up --provider testcontainers" },
      );
    return state.endpoints;
  }

  logFile(): string | undefined {
    return undefined;
  }

  /** The service containers check tokens with the stack's own secrets, as the native ones do. */
  secrets(): StackSecrets {
    return stackSecrets({ rootDir: this.rootDir });
  }

  private readState(): TcState | undefined {
    return existsSync(this.stateFile)
      ? (JSON.parse(readFileSync(this.stateFile, "utf8")) as TcState)
      : undefined;
  }

  async up(options: UpOptions = {}): Promise<StackStatus> {
    if (this.readState()) return this.status();
    process.env.TESTCONTAINERS_RYUK_DISABLED = "true"; // containers outlive this CLI process
    const progress = options.onProgress ?? (() => undefined);
    const { GenericContainer, Network } = await import("testcontainers");
    const { PostgreSqlContainer } = await import("@testcontainers/postgresql");
    const { LocalstackContainer } = await import("@testcontainers/localstack");
    const labels = { [stackLabel]: "1" };
    const secrets = stackSecrets({ rootDir: this.rootDir });
    const credentials = containerCredentials(secrets);
    const kafkaHostPort = this.native.ports.kafka;
    const network = await new Network().start();
    const started: StartedTestContainer[] = [];
    const track = <T extends StartedTestContainer>(promise: Promise<T>) =>
      promise.then((c) => (started.push(c), c));
    try {
      progress("starting postgres, localstack, redpanda, redis containers");
      const settled = await Promise.allSettled([
        track(
          new PostgreSqlContainer(containerImages.postgres)
            .withNetwork(network)
            .withNetworkAliases(serverAliases.postgres)
            .withDatabase(credentials.postgres.database)
            .withUsername(credentials.postgres.username)
            .withPassword(credentials.postgres.password)
            .withLabels(labels)
            .start(),
        ),
        track(
          new LocalstackContainer(containerImages.localstack)
            .withNetwork(network)
            .withNetworkAliases(localstackAlias)
            .withEnvironment(localstackEnvironment(process.env.LOCALSTACK_AUTH_TOKEN))
            .withLabels(labels)
            .start(),
        ),
        track(startRedpanda(network, labels, kafkaHostPort)),
        track(
          new GenericContainer(containerImages.redis)
            .withNetwork(network)
            .withNetworkAliases(serverAliases.redis)
            .withExposedPorts(6379)
            .withLabels(labels)
            .withCopyContentToContainer([
              { content: credentials.redis.conf, target: redisConfPath },
            ])
            .withCommand(credentials.redis.command)
            .start(),
        ),
      ]);
      const failed = settled.find((r) => r.status === "rejected");
      if (failed) throw failed.reason;
      const [pgC, s3C, kafkaC, redisC] = settled.map(
        (r) => (r as PromiseFulfilledResult<StartedTestContainer>).value,
      ) as [
        StartedPostgreSqlContainer,
        StartedLocalStackContainer,
        StartedTestContainer,
        StartedTestContainer,
      ];
      const cdnHostPort = this.native.ports.cdn;
      const kafkaBrokers = [`127.0.0.1:${kafkaHostPort}`];
      const s3 = {
        url: s3C.getConnectionUri(),
        region: "us-east-1",
        ...credentials.s3,
        bucket: "blocks",
      };
      await ensureBucket(s3);
      await ensureTopic(kafkaBrokers, "file-events", fileEventsPartitionCount);
      // The services sign CDN URLs the harness fetches from the host: the edge's host port.
      const inNetwork = containerNetworkEndpoints(credentials, `http://127.0.0.1:${cdnHostPort}`);
      const definitions = serviceContainerDefinitions(this.native, inNetwork, secrets);
      const serviceRecords = await startServiceContainers(definitions, {
        network,
        labels,
        track,
        progress,
      });
      progress("starting nginx (gateway + CDN edge) container");
      const nginxC = await track(startNginx(network, labels, cdnHostPort, definitions));
      const endpoints: Endpoints = {
        postgresUrl: pgC.getConnectionUri(),
        s3,
        kafkaBrokers,
        kafkaTopic: "file-events",
        kafkaPartitionCount: fileEventsPartitionCount,
        redisUrl: `redis://:${credentials.redis.password}@${redisC.getHost()}:${redisC.getMappedPort(6379)}`,
        gatewayUrl: `http://${nginxC.getHost()}:${nginxC.getMappedPort(containerGatewayPort)}`,
        cdnUrl: `http://${nginxC.getHost()}:${nginxC.getMappedPort(containerCdnPort)}`,
      };
      const containers: ContainerRecord[] = [
        { service: "postgres", id: pgC.getId() },
        { service: "s3", id: s3C.getId() },
        { service: "kafka", id: kafkaC.getId() },
        { service: "redis", id: redisC.getId() },
        ...serviceRecords.map((r) => ({ service: r.name, id: r.id })),
        { service: "nginx", id: nginxC.getId() },
      ];
      mkdirSync(join(this.stateFile, ".."), { recursive: true });
      // The endpoints carry the stack's credentials: readable by this user only.
      writeFileSync(
        this.stateFile,
        JSON.stringify({ containers, endpoints, networkId: network.getId() } satisfies TcState),
        { mode: 0o600 },
      );
    } catch (error) {
      // All or nothing, as the native provider: no half stack left behind without a state file.
      for (const container of started) await container.stop({ remove: true, removeVolumes: true });
      await network.stop();
      throw new SyncbenchError(
        "STACK_UNHEALTHY",
        `the testcontainers stack did not come up (${(error as Error).message}); ` +
          `the ${started.length} container(s) it had started were removed`,
        { cause: error },
      );
    }
    return this.status();
  }
  async down(): Promise<{ stopped: string[] }> {
    const state = this.readState();
    if (!state) return { stopped: [] };
    const { getContainerRuntimeClient } = await import("testcontainers");
    const client = await getContainerRuntimeClient();
    const stopped: string[] = [];
    // The gateway first, then the services, then the servers they use: the reverse of `up`.
    for (const record of [...state.containers].reverse()) {
      const container = client.container.getById(record.id);
      await client.container.stop(container, { timeout: 10 }); // remove refuses a running container
      await client.container.remove(container, { removeVolumes: true });
      stopped.push(record.service);
    }
    if (state.networkId) await client.network.remove(client.network.getById(state.networkId));
    rmSync(this.stateFile, { force: true });
    return { stopped };
  }

  async status(): Promise<StackStatus> {
    const state = this.readState();
    if (!state) {
      throw new SyncbenchError(
        "STACK_UNHEALTHY",
        "no testcontainers stack is recorded as running",
        { hint: "syncbench up --provider testcontainers" },
      );
    }
    const { getContainerRuntimeClient } = await import("testcontainers");
    const client = await getContainerRuntimeClient();
    const services = await Promise.all(
      state.containers.map(async (record) => {
        const info = await client.container.inspect(client.container.getById(record.id));
        return {
          name: record.service,
          healthy: info.State.Running === true,
          endpoint: record.id.slice(0, 12),
          implementation: info.Config.Image,
        };
      }),
    );
    return { provider: this.name, services, endpoints: redactEndpoints(state.endpoints) };
  }
}

/** Builds the services image and starts one container per service process, each to healthy. */
async function startServiceContainers(
  definitions: readonly ServiceContainerDefinition[],
  context: {
    readonly network: StartedNetwork;
    readonly labels: Record<string, string>;
    readonly track: <T extends StartedTestContainer>(promise: Promise<T>) => Promise<T>;
    readonly progress: (message: string) => void;
  },
): Promise<{ name: ProcessName; id: string }[]> {
  const { GenericContainer, Wait } = await import("testcontainers");
  context.progress(`building ${serviceImage} from ${serviceDockerfile}`);
  await GenericContainer.fromDockerfile(repoRoot, serviceDockerfile).build(serviceImage, {
    deleteOnExit: false,
  });
  context.progress(`starting ${definitions.length} service containers`);
  const settled = await Promise.allSettled(
    definitions.map((d) =>
      context
        .track(
          new GenericContainer(serviceImage)
            .withNetwork(context.network)
            .withNetworkAliases(d.name)
            .withEnvironment(d.env)
            .withCommand([...d.command])
            .withHealthCheck({
              test: ["CMD", ...d.healthcheck.test.slice(1)],
              interval: d.healthcheck.intervalMs,
              retries: d.healthcheck.retries,
            })
            .withWaitStrategy(Wait.forHealthCheck())
            .withLabels(context.labels)
            .start(),
        )
        .then((c) => ({ name: d.name as ProcessName, id: c.getId() })),
    ),
  );
  const failed = settled.find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<{ name: ProcessName; id: string }>).value);
}

/**
 * Redpanda as docker/compose.yaml runs it: an in-network listener for the services and one
 * advertised on the stack's Kafka host port for the harness (a fixed port, as natively).
 */
async function startRedpanda(
  network: StartedNetwork,
  labels: Record<string, string>,
  hostPort: number,
): Promise<StartedTestContainer> {
  const { GenericContainer, Wait } = await import("testcontainers");
  return new GenericContainer(containerImages.redpanda)
    .withNetwork(network)
    .withNetworkAliases(serverAliases.kafka)
    .withExposedPorts({ container: kafkaExternalPort, host: hostPort })
    .withCommand(redpandaCommand(`127.0.0.1:${hostPort}`))
    .withHealthCheck({
      test: ["CMD", "rpk", "cluster", "health", "--exit-when-healthy"],
      interval: 2000,
      retries: 60,
    })
    .withWaitStrategy(Wait.forHealthCheck())
    .withLabels(labels)
    .start();
}

/** The gateway and CDN edge, its pools at the service containers; the CDN on its fixed host port. */
async function startNginx(
  network: StartedNetwork,
  labels: Record<string, string>,
  cdnHostPort: number,
  definitions: readonly ServiceContainerDefinition[],
): Promise<StartedTestContainer> {
  const { GenericContainer } = await import("testcontainers");
  return new GenericContainer(containerImages.nginx)
    .withNetwork(network)
    .withLabels(labels)
    .withNetworkAliases(serverAliases.nginx)
    .withExposedPorts(containerGatewayPort, { container: containerCdnPort, host: cdnHostPort })
    .withCopyContentToContainer([
      { content: renderContainerNginxConfFor(definitions), target: "/etc/nginx/nginx.conf" },
    ])
    .withCommand(["nginx", "-g", "daemon off;"])
    .start();
}
