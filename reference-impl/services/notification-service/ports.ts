// What the NotificationService needs from the outside, as ports: main.ts passes Kafka (file-events,
// consumer group `notification`) and Redis (registry, per-user log, pod bus); tests pass the memory
// adapters and a ManualClock.
import type { Clock } from "../../runtime/clock.ts";
import type { NotificationLog } from "../../stores/notification-log/notification-log.port.ts";
import type { Registry } from "../../stores/registry/registry.port.ts";
import type { SyncStream } from "../../stores/sync-stream/sync-stream.port.ts";

export interface NotificationServicePorts {
  readonly syncStream: SyncStream;
  readonly registry: Registry;
  readonly log: NotificationLog;
  readonly clock: Clock;
  /** Uniform in [0, 1): the long-poll's jitter (main.ts passes Math.random, tests a seeded source). */
  readonly random: () => number;
}

export interface NotificationServiceSettings {
  readonly podId: string;
  readonly jwtSecret: string;
  /** Consumer group on file-events (design: `notification`). */
  readonly consumerGroup: string;
  readonly pingIntervalMs: number;
  /** Registry refresh period; entries live registryEntryTtlMs (3 refreshes may fail before they drop). */
  readonly heartbeatMs: number;
}

export const notificationDefaults = {
  consumerGroup: "notification",
  pingIntervalMs: 30_000,
  heartbeatMs: 40_000,
} as const;

export const notificationLimits = {
  /** Bytes queued for one socket beyond which it is a slow consumer, closed with 4008. */
  sendQueueBytesMax: 1024 * 1024,
  /** Sockets and long-polls one process holds; past it an upgrade or long-poll gets 503. */
  connectionsMax: 200_000,
  /** Entries read per page while a device catches up. */
  catchUpPageMax: 500,
  /** Entries a long-poll answer carries at most (the cursor lets the client ask for the rest). */
  longPollEventsMax: 500,
  longPollTimeoutSMin: 5,
  longPollTimeoutSMax: 480,
  longPollTimeoutSDefault: 30,
  /** The answer after a timeout comes within timeout x (1 + jitter), jitter uniform in [0, this). */
  longPollJitterRatioMax: 0.1,
  /** Device ids: 1..64 of [A-Za-z0-9._-]. */
  deviceIdPattern: /^[A-Za-z0-9._-]{1,64}$/,
  /** Client messages (acks) longer than this close the socket with 1009. */
  clientMessageBytesMax: 1024,
} as const;

/** WebSocket close codes of the protocol (PROTOCOL.md). */
export const closeCodes = {
  goingAway: 1001,
  messageTooBig: 1009,
  protocolError: 4000,
  slowConsumer: 4008,
} as const;
