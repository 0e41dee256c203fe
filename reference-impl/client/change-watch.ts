// How a device hears of another device's change, per the variant's notify flag
// (core/variants.ts), each against the stack's own routes (no server mode of its own):
// - "poll" (V0): every interval, the listing of the MetadataDB (`GET /v1/files?prefix=`, through
//   the DownloadService); a version higher than the one last seen is a change. No event stream.
// - "kafka-poll" (V1): the Kafka-fed per-user event log, read through the NotificationService's
//   long-poll (one request held for an interval, so one request per interval when idle, as a
//   poll); what it brings is applied at the device's next sync tick, every interval.
// - "push" (V2): the NotificationService's WebSocket; an event is applied as it arrives.
// A poll's first tick falls at a random phase of its interval, as devices' timers do. Every
// request is counted; `seenAtMs` is performance.now() when the device applied the change.
import WebSocket from "ws";
import type { NotifyMode } from "../core/variants.ts";
import { SyncbenchError } from "../core/errors.ts";

export interface ChangeSeen {
  readonly filePath: string;
  readonly version: number;
  readonly seenAtMs: number;
}

export interface ChangeWatchOptions {
  readonly gatewayUrl: string;
  readonly token: () => string;
  readonly deviceId: string;
  readonly mode: NotifyMode;
  readonly pollIntervalS: number;
  /** The folder watched (poll lists it): "/" for everything. */
  readonly prefix: string;
  readonly random: () => number;
  readonly onChange: (change: ChangeSeen) => void;
  readonly log: (line: string) => void;
}

/** The long-poll's shortest timeout (PROTOCOL.md: whole seconds 5..480). */
const longPollTimeoutSMin = 5;

export class ChangeWatcher {
  requestCount = 0;
  private readonly stop = new AbortController();
  private readonly versions = new Map<string, number>();
  private readonly buffered: { filePath: string; version: number }[] = [];
  private running: Promise<void> = Promise.resolve();
  /** The error that stopped the watcher early, if one did (close() rethrows it). */
  failure: unknown;

  constructor(private readonly options: ChangeWatchOptions) {
    if (!(options.pollIntervalS > 0 && options.pollIntervalS <= 3_600)) {
      throw new RangeError(`pollIntervalS must be in (0, 3600], got ${options.pollIntervalS}`);
    }
  }

  /** Starts watching; resolves once the device knows where it stands (socket ready, baseline). */
  async start(): Promise<void> {
    const { mode } = this.options;
    if (mode === "push") {
      let ready!: () => void;
      const isReady = new Promise<void>((resolve) => (ready = resolve));
      const socket = this.holdSocket(ready);
      this.running = this.recorded(socket);
      await Promise.race([isReady, socket]);
      return;
    }
    if (mode === "poll") {
      await this.listOnce(false);
      this.running = this.recorded(this.tick(() => this.listOnce(true)));
      return;
    }
    const first = await this.longPoll(undefined);
    this.running = this.recorded(
      Promise.all([
        this.readLog(first.cursor),
        this.tick(async () => this.flush(performance.now())),
      ]),
    );
  }

  /** Stops watching; rethrows the error that stopped it early, if any. */
  async close(): Promise<void> {
    this.stop.abort();
    await this.running;
    if (this.failure !== undefined) throw this.failure;
  }

  private recorded(work: Promise<unknown>): Promise<void> {
    return work.then(
      () => undefined,
      (error: unknown) => {
        this.failure ??= error;
        this.stop.abort();
      },
    );
  }

  private get stopped(): boolean {
    return this.stop.signal.aborted;
  }

  private headers() {
    return { authorization: `Bearer ${this.options.token()}` };
  }

  private async getJson(path: string): Promise<Record<string, unknown>> {
    this.requestCount++;
    const response = await fetch(`${this.options.gatewayUrl}${path}`, {
      headers: this.headers(),
      signal: this.stop.signal,
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (response.status !== 200) {
      throw new SyncbenchError(
        "CLIENT_REQUEST_FAILED",
        `GET ${path.split("?")[0]} answered ${response.status}: ${JSON.stringify(json)}; ` +
          "the watcher stops",
      );
    }
    return json;
  }

  /** Runs `work` every interval from a random phase, until closed. */
  private async tick(work: () => Promise<void>): Promise<void> {
    const intervalMs = this.options.pollIntervalS * 1000;
    let nextMs = performance.now() + this.options.random() * intervalMs;
    while (!this.stopped) {
      await this.sleep(nextMs - performance.now());
      if (this.stopped) break;
      await this.guard(work());
      nextMs += intervalMs;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, ms));
      const signal = this.stop.signal;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      }
      signal.addEventListener("abort", done, { once: true });
    });
  }

  /** An aborted request at close is the watcher stopping, not a failure. */
  private async guard(work: Promise<unknown>): Promise<void> {
    try {
      await work;
    } catch (error) {
      if (this.stopped) return;
      throw error;
    }
  }

  private seen(filePath: string, version: number, seenAtMs: number) {
    if ((this.versions.get(filePath) ?? 0) >= version) return;
    this.versions.set(filePath, version);
    this.options.onChange({ filePath, version, seenAtMs });
  }

  /** poll: one listing of the prefix (1,000 rows a page, every page). */
  private async listOnce(report: boolean): Promise<void> {
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ prefix: this.options.prefix, limit: "1000" });
      if (cursor !== null) query.set("cursor", cursor);
      const page = await this.getJson(`/v1/files?${query}`);
      const nowMs = performance.now();
      for (const f of page.files as { path: string; version: number }[]) {
        if (report) this.seen(f.path, f.version, nowMs);
        else this.versions.set(f.path, f.version);
      }
      cursor = page.nextCursor as string | null;
    } while (cursor !== null && !this.stopped);
  }

  private longPoll(cursor: string | undefined, timeoutS = longPollTimeoutSMin) {
    const query = new URLSearchParams({ device: this.options.deviceId });
    if (cursor !== undefined) {
      query.set("cursor", cursor);
      query.set("timeout", String(timeoutS));
    }
    return this.getJson(`/v1/notifications/longpoll?${query}`) as Promise<{
      events: { cursor: string; event: { filePath: string; version: number } }[];
      cursor: string;
      backoffS: number;
    }>;
  }

  /** kafka-poll: holds one long-poll at a time, buffering what it brings for the next tick. */
  private async readLog(cursor: string): Promise<void> {
    const timeoutS = Math.max(longPollTimeoutSMin, Math.round(this.options.pollIntervalS));
    let at = cursor;
    while (!this.stopped) {
      let answer: Awaited<ReturnType<ChangeWatcher["longPoll"]>>;
      try {
        answer = await this.longPoll(at, timeoutS);
      } catch (error) {
        if (this.stopped) return;
        throw error;
      }
      for (const e of answer.events) this.buffered.push(e.event);
      at = answer.cursor;
      if (answer.backoffS > 0) await this.sleep(answer.backoffS * 1000);
    }
  }

  private async flush(nowMs: number): Promise<void> {
    for (const e of this.buffered.splice(0)) this.seen(e.filePath, e.version, nowMs);
  }

  /** push: one socket until closed (the comparison's runs are short: no reconnect loop here). */
  private holdSocket(ready: () => void): Promise<void> {
    const url =
      `${this.options.gatewayUrl.replace(/^http/, "ws")}/v1/notifications` +
      `?device=${encodeURIComponent(this.options.deviceId)}`;
    this.requestCount++;
    const ws = new WebSocket(url, { headers: this.headers() });
    return new Promise((resolve, reject) => {
      const abort = () => ws.close(1000);
      this.stop.signal.addEventListener("abort", abort, { once: true });
      ws.on("message", (data) => {
        const message = JSON.parse(data.toString()) as {
          type: string;
          cursor: string;
          event?: { filePath: string; version: number };
        };
        if (message.type === "ready") ready();
        if (message.type === "event" && message.event) {
          this.seen(message.event.filePath, message.event.version, performance.now());
          ws.send(JSON.stringify({ type: "ack", cursor: message.cursor }));
        }
      });
      ws.on("unexpected-response", (req, res) => {
        req.destroy();
        reject(
          new SyncbenchError(
            "CLIENT_REQUEST_FAILED",
            `notification upgrade answered ${res.statusCode}; the watcher stops`,
          ),
        );
      });
      ws.on("error", (error) => this.options.log(`notifications: ${error.message}`));
      ws.on("close", (code) => {
        this.stop.signal.removeEventListener("abort", abort);
        if (this.stopped) resolve();
        else
          reject(
            new SyncbenchError(
              "CLIENT_REQUEST_FAILED",
              `notification socket closed with ${code} before the watcher stopped`,
            ),
          );
      });
    });
  }
}
