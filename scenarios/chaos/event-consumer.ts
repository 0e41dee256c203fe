// The fault lab's notification consumer: one WebSocket device per followed user on the gateway's
// /v1/notifications, recording every event it is sent. A closed socket reconnects with the last
// cursor it saw (full-jitter backoff), as PROTOCOL.md asks of a device, so a killed
// NotificationService shows up here as duplicates or reordering if the replay were wrong.
import WebSocket from "ws";
import { fullJitterDelayMs } from "../../reference-impl/client/backoff.ts";
import type { SeenEvent } from "./event-order.ts";

export interface ConsumerOptions {
  readonly gatewayUrl: string;
  readonly users: readonly string[];
  readonly tokenFor: (userId: string) => string;
  readonly random: () => number;
}

const readyTimeoutMs = 15_000;

class Follower {
  cursor: string | undefined;
  reconnects = 0;
  private socket: WebSocket | undefined;
  private stopped = false;
  private attempt = 0;

  constructor(
    private readonly userId: string,
    private readonly options: ConsumerOptions,
    private readonly seen: SeenEvent[],
  ) {}

  /** Resolves on the first "ready" (the device is attached), rejects after readyTimeoutMs. */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`notification consumer for ${this.userId}: no "ready" frame`)),
        readyTimeoutMs,
      );
      this.open(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private open(onReady?: () => void): void {
    const ws = this.options.gatewayUrl.replace(/^http/, "ws");
    const query = `device=chaos-consumer${this.cursor ? `&cursor=${this.cursor}` : ""}`;
    const socket = new WebSocket(`${ws}/v1/notifications?${query}`, {
      headers: { authorization: `Bearer ${this.options.tokenFor(this.userId)}` },
    });
    this.socket = socket;
    socket.on("message", (data) => {
      const frame = JSON.parse(String(data)) as {
        type: string;
        cursor?: string;
        event?: { eventId: string; userId: string; filePath: string; version: number };
      };
      if (frame.type === "ready") {
        this.attempt = 0;
        if (frame.cursor) this.cursor = frame.cursor;
        onReady?.();
      } else if (frame.type === "event" && frame.event) {
        const e = frame.event;
        this.seen.push({
          userId: e.userId,
          eventId: e.eventId,
          filePath: e.filePath,
          version: e.version,
        });
        this.cursor = frame.cursor;
        socket.send(JSON.stringify({ type: "ack", cursor: frame.cursor }));
      }
    });
    socket.on("error", () => undefined); // a close follows every error; it reconnects there
    socket.on("close", () => {
      if (this.stopped) return;
      this.reconnects++;
      const delayMs = fullJitterDelayMs(this.attempt++, this.options.random, {
        baseMs: 250,
        capMs: 4000,
      });
      setTimeout(() => {
        if (!this.stopped) this.open();
      }, delayMs);
    });
  }

  stop(): void {
    this.stopped = true;
    this.socket?.terminate();
  }
}

export class EventConsumer {
  readonly seen: SeenEvent[] = [];
  private readonly followers: Follower[];

  constructor(private readonly options: ConsumerOptions) {
    this.followers = options.users.map((u) => new Follower(u, options, this.seen));
  }

  async start(): Promise<void> {
    await Promise.all(this.followers.map((f) => f.connect()));
  }

  get reconnects(): number {
    return this.followers.reduce((sum, f) => sum + f.reconnects, 0);
  }

  stop(): void {
    for (const f of this.followers) f.stop();
  }
}
