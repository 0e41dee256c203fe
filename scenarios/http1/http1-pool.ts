// The open-model driver's HTTP/1.1 client: a pool of keep-alive connections to one origin on
// node:net, one request at a time per connection (no pipelining, so a response's latency is its
// own), the request head built as one latin1 string and written with its body in one writev,
// responses read into one shared buffer (net's `onread`: no Buffer, stream or event per read)
// and framed by ResponseParser. It exists because profiling showed undici's own per-request work
// (Request objects, its dispatcher chain, llhttp callbacks) capping the generator: at 20K req/s
// undici's Pool.dispatch with an empty handler and nothing else cost 12-14 us of user CPU per
// request (~48K req/s per core, ~0.5 x wrk), bare node:net sockets 4-5 us (~80K, ~0.85 x).
// Bounds: connectionsMax, a FIFO queue of queueMax requests, connect/headers/body timeouts
// checked by one sweep timer on a coarse clock (undici's "fast timers" idea), idle connections
// closed after the keep-alive time. Errors reach the handler as codes, never as exceptions;
// the timeout and socket codes are undici's, so results stay comparable with earlier runs.
import net from "node:net";
import {
  ResponseInvalid,
  ResponseParser,
  type CacheStatus,
  type ParserEvents,
  type ResponseHead,
} from "./http1-parser.ts";

export interface Http1Request {
  readonly method: string;
  /** Path and query, already encoded. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  /** Hand the response body to onResponse (up to keptBodyBytesMax); others are discarded. */
  readonly keepResponse?: boolean;
  /**
   * Another origin than the run's target (a CDN edge's signed block URL names its own host and
   * port): OriginPools sends it on that origin's pool; a single Http1Pool ignores it.
   */
  readonly origin?: string;
}

/** What a response carried besides its status: read it in onResponse, it is reused after. */
export interface ResponseMeta {
  /** Body bytes read (after any chunked framing). */
  readonly bodyBytes: number;
  /** The X-Cache header of a CDN edge, "" when absent. */
  readonly cache: CacheStatus;
}

/** A kept response body beyond this is cut off (an upload plan is a few hundred bytes). */
export const keptBodyBytesMax = 1024 * 1024;

/** Told once how a request ended: a status after the whole body was read, or an error code. */
export interface ResponseHandler {
  /** `body` only for a request with keepResponse; `meta` is reused once this returns. */
  onResponse(status: number, body?: Uint8Array, meta?: ResponseMeta): void;
  onError(code: string): void;
}

export interface Http1PoolOptions {
  readonly connectionsMax: number;
  /** Requests waiting for a free connection beyond which a request fails with POOL_QUEUE_FULL. */
  readonly queueMax: number;
  readonly connectTimeoutMs: number;
  /** From the request's write (or the connection's connect) to the end of the response head. */
  readonly headersTimeoutMs: number;
  /** Longest silence while a body is being read. */
  readonly bodyTimeoutMs: number;
  /** An idle connection is closed after this (undici's keepAliveTimeout default, 4 s), or
   * after the server's Keep-Alive: timeout hint less one second, whichever is shorter. */
  readonly idleTimeoutMs?: number;
}

const reservedHeaders = new Set(["host", "content-length", "transfer-encoding", "connection"]);
/** Request-line parts and header names: visible ASCII only (no space, control or 8-bit byte). */
const notToken = /[^\x21-\x7e]/;
/** Header values: visible ASCII, space and tab; a CR or LF would smuggle a header or request. */
const notFieldValue = /[^\t\x20-\x7e]/;
/** Every socket reads into this: reads are handled one at a time and parsed at once. */
const readBuffer = Buffer.allocUnsafe(256 * 1024);

const enum Phase {
  Idle,
  Headers,
  Body,
  Closed,
}

class Connection implements ParserEvents {
  readonly socket: net.Socket;
  readonly parser = new ResponseParser(this);
  handler: ResponseHandler | undefined;
  /** A new connection's first request is written at once; the socket buffers it. */
  phase = Phase.Headers;
  connected = false;
  /** Coarse-clock ms at which connecting or the current phase times out. */
  deadlineMs: number;
  idleSinceMs = 0;
  idleLimitMs: number;
  private status = 0;
  private keepAlive = true;
  /** Body chunks of a response the request asked to keep; undefined otherwise. */
  private kept: Buffer[] | undefined;
  private keptBytes = 0;
  private completed = false;
  /** The current response's body size and X-Cache, handed to the handler with its status. */
  private readonly meta: { bodyBytes: number; cache: CacheStatus } = { bodyBytes: 0, cache: "" };

  constructor(readonly pool: Http1Pool) {
    this.deadlineMs = pool.nowMs + pool.o.connectTimeoutMs;
    this.idleLimitMs = pool.idleTimeoutMs;
    this.socket = net.connect({
      host: pool.host,
      port: pool.port,
      noDelay: true,
      onread: { buffer: readBuffer, callback: (n: number) => this.onRead(n) },
    });
    this.socket.on("connect", () => {
      this.connected = true;
      // The headers clock of the request written before the connect starts now.
      if (this.phase === Phase.Headers) this.deadlineMs = pool.nowMs + pool.o.headersTimeoutMs;
    });
    this.socket.on("end", () => this.onEnd());
    this.socket.on("error", (error: Error & { code?: string }) =>
      this.fail(error.code ?? "UND_ERR_SOCKET"),
    );
    this.socket.on("close", () => this.fail("UND_ERR_SOCKET"));
  }

  send(head: string, body: Uint8Array | undefined, handler: ResponseHandler, keep = false): void {
    this.handler = handler;
    this.kept = keep ? [] : undefined;
    this.keptBytes = 0;
    this.completed = false;
    if (this.connected) this.deadlineMs = this.pool.nowMs + this.pool.o.headersTimeoutMs;
    this.phase = Phase.Headers;
    this.parser.expect();
    if (body && body.length > 0) {
      this.socket.cork();
      this.socket.write(head, "latin1");
      this.socket.write(body);
      this.socket.uncork();
    } else this.socket.write(head, "latin1");
  }

  onHead(head: ResponseHead): void {
    this.status = head.status;
    this.keepAlive = head.keepAlive;
    this.meta.cache = head.cache;
    this.meta.bodyBytes = 0;
    if (head.keepAliveTimeoutMs !== undefined) {
      this.idleLimitMs = Math.min(this.pool.idleTimeoutMs, head.keepAliveTimeoutMs - 1000);
    }
    this.phase = Phase.Body;
    this.deadlineMs = this.pool.nowMs + this.pool.o.bodyTimeoutMs;
  }

  onBody(bytes: Uint8Array, from: number, to: number): void {
    this.meta.bodyBytes += to - from;
    if (!this.kept || this.keptBytes + (to - from) > keptBodyBytesMax) return;
    this.kept.push(Buffer.from(bytes.subarray(from, to))); // readBuffer is reused: copy
    this.keptBytes += to - from;
  }

  onComplete(): void {
    this.completed = true;
  }

  private onRead(n: number): boolean {
    if (this.phase === Phase.Body) this.deadlineMs = this.pool.nowMs + this.pool.o.bodyTimeoutMs;
    try {
      this.parser.feed(readBuffer, 0, n);
    } catch (error) {
      if (!(error instanceof ResponseInvalid)) throw error;
      this.fail(error.code);
      return false;
    }
    if (this.completed) this.finish();
    return true;
  }

  private onEnd(): void {
    try {
      if (this.parser.end()) this.finish();
      // An idle connection the server ended leaves the pool now, not at 'close' a turn later:
      // a request written in between would fail for the client's own reason.
      else this.close();
    } catch (error) {
      if (!(error instanceof ResponseInvalid)) throw error;
      this.fail("UND_ERR_SOCKET"); // "other side closed", as undici names it
    }
  }

  /** The response was read to its end: the connection goes back, then the handler hears. */
  private finish(): void {
    const handler = this.handler!;
    const kept = this.kept && Buffer.concat(this.kept, this.keptBytes);
    this.handler = undefined;
    this.kept = undefined;
    this.completed = false;
    // An answer that completes while the request body is still being written (an early 413 or
    // 401) leaves the connection busy with that upload, and the server's handling of the unread
    // rest unknown: closed, as undici does ("response completed before request").
    const writing = this.socket.writableLength > 0;
    if (this.keepAlive && this.idleLimitMs > 0 && !writing) this.pool.release(this);
    else this.close();
    handler.onResponse(this.status, kept, this.meta);
  }

  /** Ends the connection; a request still on it fails with `code`. */
  fail(code: string): void {
    const handler = this.handler;
    this.handler = undefined;
    this.close();
    handler?.onError(code);
  }

  close(): void {
    if (this.phase === Phase.Closed) return;
    this.phase = Phase.Closed;
    this.socket.destroy();
    this.pool.forget(this);
  }
}

export class Http1Pool {
  readonly host: string;
  readonly port: number;
  readonly idleTimeoutMs: number;
  /** Coarse clock (ms since the pool started), advanced by the sweep: deadlines are ±sweepMs. */
  nowMs = 0;
  private readonly authority: string;
  private readonly connections = new Set<Connection>();
  private readonly idle: Connection[] = [];
  private queue: { request: Http1Request; handler: ResponseHandler }[] = [];
  private queueHead = 0;
  private readonly sweepMs: number;
  private readonly sweepTimer: NodeJS.Timeout;
  private readonly startedAt = performance.now();
  private destroyed = false;

  constructor(
    origin: string,
    readonly o: Http1PoolOptions,
  ) {
    const url = new URL(origin);
    if (url.protocol !== "http:") {
      throw new Error(`the driver's client speaks plain HTTP/1.1 only, got "${origin}"`);
    }
    this.host = url.hostname.replace(/^\[|\]$/g, "");
    this.port = Number(url.port || 80);
    this.authority = url.host;
    this.idleTimeoutMs = o.idleTimeoutMs ?? 4_000;
    const shortest = Math.min(o.connectTimeoutMs, o.headersTimeoutMs, o.bodyTimeoutMs);
    this.sweepMs = Math.min(250, Math.max(5, Math.floor(shortest / 10)));
    this.sweepTimer = setInterval(() => this.sweep(), this.sweepMs);
    this.sweepTimer.unref();
  }

  /** Sends `request` on a free connection, or queues it; `handler` is told once, never now. */
  request(request: Http1Request, handler: ResponseHandler): void {
    if (this.destroyed) {
      queueMicrotask(() => handler.onError("UND_ERR_DESTROYED"));
      return;
    }
    const head = this.headOf(request);
    const connection = this.acquire();
    if (connection) connection.send(head, request.body, handler, request.keepResponse);
    else if (this.queue.length - this.queueHead >= this.o.queueMax) {
      queueMicrotask(() => handler.onError("POOL_QUEUE_FULL"));
    } else this.queue.push({ request, handler });
  }

  /** Connections open or opening, and requests waiting for one. */
  get size(): { connections: number; idle: number; queued: number } {
    const queued = this.queue.length - this.queueHead;
    return {
      connections: this.connections.size,
      idle: this.idle.length,
      queued,
    };
  }

  /** Closes every connection; requests on them or queued fail with UND_ERR_DESTROYED. */
  destroy(): void {
    this.destroyed = true;
    clearInterval(this.sweepTimer);
    const queued = this.queue.slice(this.queueHead);
    this.queue = [];
    this.queueHead = 0;
    for (const c of [...this.connections]) c.fail("UND_ERR_DESTROYED");
    for (const q of queued) q.handler.onError("UND_ERR_DESTROYED");
  }

  private headOf(r: Http1Request): string {
    if (notToken.test(r.path) || notToken.test(r.method)) {
      throw new Error(
        `request line ${JSON.stringify(`${r.method} ${r.path}`)} holds a space, control or ` +
          "non-ASCII character; nothing was sent",
      );
    }
    if (r.method === "HEAD" || r.method === "CONNECT") {
      // A HEAD answer's Content-Length describes a body that never comes: the parser, which
      // frames every response by its headers, would wait for it until the body timeout.
      throw new Error(`method ${r.method} is not supported by the driver's pool; nothing was sent`);
    }
    let head = `${r.method} ${r.path} HTTP/1.1\r\nhost: ${this.authority}\r\n`;
    for (const name in r.headers) {
      const value = r.headers[name]!;
      if (notFieldValue.test(value) || notToken.test(name)) {
        throw new Error(
          `header ${JSON.stringify(name)}: ${JSON.stringify(value)} holds a control or ` +
            "non-ASCII character; nothing was sent",
        );
      }
      if (reservedHeaders.has(name.toLowerCase())) {
        throw new Error(
          `header ${JSON.stringify(name)} is set by the pool itself; nothing was sent`,
        );
      }
      head += `${name}: ${value}\r\n`;
    }
    const length = r.body?.length ?? 0;
    if (length > 0 || r.method !== "GET") {
      head += `content-length: ${length}\r\n`;
    }
    return head + "\r\n";
  }

  /** A free connection: the most recently used idle one, else a new one if under the cap. */
  private acquire(): Connection | undefined {
    for (;;) {
      const c = this.idle.pop();
      if (!c) break;
      if (this.nowMs - c.idleSinceMs < c.idleLimitMs) return c;
      c.close(); // past its keep-alive time: the server may be closing it right now
    }
    if (this.connections.size >= this.o.connectionsMax) return undefined;
    const c = new Connection(this);
    this.connections.add(c);
    return c;
  }

  /** A connection finished a response and may be reused: the oldest queued request takes it. */
  release(c: Connection): void {
    const next = this.dequeue();
    if (next) {
      c.send(this.headOf(next.request), next.request.body, next.handler, next.request.keepResponse);
      return;
    }
    c.phase = Phase.Idle;
    c.idleSinceMs = this.nowMs;
    this.idle.push(c);
  }

  /** A connection closed: it leaves the pool, and a queued request may open a new one. */
  forget(c: Connection): void {
    this.connections.delete(c);
    const at = this.idle.indexOf(c);
    if (at >= 0) this.idle.splice(at, 1);
    if (this.destroyed || this.queueHead >= this.queue.length) return;
    const fresh = this.acquire();
    if (!fresh) return;
    const next = this.dequeue()!;
    fresh.send(
      this.headOf(next.request),
      next.request.body,
      next.handler,
      next.request.keepResponse,
    );
  }

  /** The oldest queued request, its slot reclaimed once the taken slots are most of the array. */
  private dequeue(): { request: Http1Request; handler: ResponseHandler } | undefined {
    if (this.queueHead >= this.queue.length) return undefined;
    const next = this.queue[this.queueHead]!;
    this.queue[this.queueHead++] = undefined as never;
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
    return next;
  }

  private sweep(): void {
    this.nowMs = performance.now() - this.startedAt;
    for (const c of this.connections) {
      if (c.phase === Phase.Idle) {
        if (this.nowMs - c.idleSinceMs >= c.idleLimitMs) c.close();
      } else if (c.phase !== Phase.Closed && this.nowMs >= c.deadlineMs) {
        const code = !c.connected
          ? "UND_ERR_CONNECT_TIMEOUT"
          : c.phase === Phase.Headers
            ? "UND_ERR_HEADERS_TIMEOUT"
            : "UND_ERR_BODY_TIMEOUT";
        c.fail(code);
      }
    }
  }
}

/** What an Exchange sends its steps through: one pool, or one per origin (OriginPools). */
export interface RequestSender {
  request(request: Http1Request, handler: ResponseHandler): void;
}

/** Origins a run may reach besides its target (the CDN edge): each gets a pool of its own. */
export const originsMax = 4;

/**
 * The run's target pool plus one pool per other origin a step names (a signed block URL's CDN
 * edge), created on first use with the same bounds, at most originsMax of them: a request to one
 * more origin fails with ORIGIN_LIMIT rather than opening pools without bound.
 */
export class OriginPools implements RequestSender {
  readonly base: Http1Pool;
  private readonly byOrigin = new Map<string, Http1Pool>();

  constructor(
    baseUrl: string,
    private readonly options: Http1PoolOptions,
  ) {
    this.base = new Http1Pool(baseUrl, options);
    this.byOrigin.set(new URL(baseUrl).origin, this.base);
  }

  request(request: Http1Request, handler: ResponseHandler): void {
    if (request.origin === undefined) return this.base.request(request, handler);
    let pool = this.byOrigin.get(request.origin);
    if (!pool) {
      if (this.byOrigin.size > originsMax) {
        queueMicrotask(() => handler.onError("ORIGIN_LIMIT"));
        return;
      }
      try {
        pool = new Http1Pool(request.origin, this.options);
      } catch {
        queueMicrotask(() => handler.onError("ORIGIN_INVALID"));
        return;
      }
      this.byOrigin.set(request.origin, pool);
    }
    pool.request(request, handler);
  }

  destroy(): void {
    for (const pool of this.byOrigin.values()) pool.destroy();
  }
}
