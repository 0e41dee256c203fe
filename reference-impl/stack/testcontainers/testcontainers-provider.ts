// The `testcontainers` provider, for hosts with a Docker engine: Postgres, LocalStack (S3),
// Redpanda (Kafka API), Redis and nginx as containers, with the same endpoints object and variable
// names as the native provider. The CLI starts containers with Ryuk off and records their ids, so
// that `syncbench down` in a later process removes exactly those containers.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { StartedTestContainer } from "testcontainers";
import type { StartedLocalStackContainer } from "@testcontainers/localstack";
import type { StartedPostgreSqlContainer } from "@testcontainers/postgresql";
import type { StartedRedpandaContainer } from "@testcontainers/redpanda";
import { SyncbenchError } from "../../core/errors.ts";
import { redactEndpoints, type Endpoints } from "../endpoints.ts";
import type { ServiceName, StackProvider, StackStatus, UpOptions } from "../provider.ts";
import { ensureTopic, fileEventsPartitionCount } from "../native/kafka.ts";
import { ensureBucket } from "../native/s3.ts";
import { stackSecrets } from "../native/stack-secrets.ts";
import {
  containerCdnPort,
  containerCredentials,
  containerGatewayPort,
  containerImages,
  localstackAlias,
  localstackEnvironment,
  redisConfPath,
  renderContainerNginxConf,
  stackLabel,
} from "./testcontainers-config.ts";

interface ContainerRecord {
  readonly service: ServiceName;
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

  constructor(private readonly rootDir: string) {
    this.stateFile = join(rootDir, "run", "testcontainers.json");
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

  /** No ChunkService runs in this stack, so nothing would check a token: none is issued. */
  secrets(): undefined {
    return undefined;
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
    const { RedpandaContainer } = await import("@testcontainers/redpanda");
    const labels = { [stackLabel]: "1" };
    const credentials = containerCredentials(stackSecrets({ rootDir: this.rootDir }));
    const network = await new Network().start();
    const started: StartedTestContainer[] = [];
    const track = <T extends StartedTestContainer>(promise: Promise<T>) =>
      promise.then((c) => (started.push(c), c));
    try {
      progress("starting postgres, localstack, redpanda, redis containers");
      const settled = await Promise.allSettled([
        track(
          new PostgreSqlContainer(containerImages.postgres)
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
        // @testcontainers/redpanda 10.28 brings testcontainers 10's types; at run time it is a container like the rest.
        track(
          new RedpandaContainer(containerImages.redpanda)
            .withLabels(labels)
            .start() as unknown as Promise<StartedTestContainer>,
        ),
        track(
          new GenericContainer(containerImages.redis)
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
      progress("starting nginx (gateway + CDN edge) container");
      const nginxC = await track(
        new GenericContainer(containerImages.nginx)
          .withNetwork(network)
          .withLabels(labels)
          .withExposedPorts(containerGatewayPort, containerCdnPort)
          .withExtraHosts([{ host: "host.docker.internal", ipAddress: "host-gateway" }])
          .withCopyContentToContainer([
            { content: renderContainerNginxConf(), target: "/etc/nginx/nginx.conf" },
          ])
          .withCommand(["nginx", "-g", "daemon off;"])
          .start(),
      );
      const endpoints: Endpoints = {
        postgresUrl: pgC.getConnectionUri(),
        s3: {
          url: s3C.getConnectionUri(),
          region: "us-east-1",
          ...credentials.s3,
          bucket: "blocks",
        },
        kafkaBrokers: [(kafkaC as unknown as StartedRedpandaContainer).getBootstrapServers()],
        kafkaTopic: "file-events",
        kafkaPartitionCount: fileEventsPartitionCount,
        redisUrl: `redis://:${credentials.redis.password}@${redisC.getHost()}:${redisC.getMappedPort(6379)}`,
        gatewayUrl: `http://${nginxC.getHost()}:${nginxC.getMappedPort(containerGatewayPort)}`,
        cdnUrl: `http://${nginxC.getHost()}:${nginxC.getMappedPort(containerCdnPort)}`,
      };
      await ensureBucket(endpoints.s3);
      await ensureTopic(
        endpoints.kafkaBrokers,
        endpoints.kafkaTopic,
        endpoints.kafkaPartitionCount,
      );
      const containers: ContainerRecord[] = [
        { service: "postgres", id: pgC.getId() },
        { service: "s3", id: s3C.getId() },
        { service: "kafka", id: kafkaC.getId() },
        { service: "redis", id: redisC.getId() },
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
    for (const record of state.containers) {
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
