// The response side of the driver's HTTP/1.1 client (http1-pool.ts): an incremental parser fed
// whatever bytes a socket read returned, split anywhere, that finds each response's status, its
// framing (Content-Length, chunked, or until the server closes) and whether the connection may
// be reused, and reads the body to its end, handing its bytes to onBody (the pool keeps them only
// for a request that asks: upload-init, whose uploadId the commit sends back).
// Pure: no I/O, no timers, so a test can split a response at every byte boundary. Profiling
// showed undici's per-request work, not the sockets, capped the generator (scenarios/README.md).

/** Bounds of what a response may hold before the parser calls it invalid. */
export const parserLimits = {
  /** Status line plus headers, as Node's and undici's default maxHeaderSize. */
  headerBytesMax: 16 * 1024,
  /** A chunk-size line with its extensions, and each trailer line. */
  chunkLineBytesMax: 1024,
} as const;

export interface ResponseHead {
  readonly status: number;
  /** False when the server said Connection: close, spoke HTTP/1.0, or framed by closing. */
  readonly keepAlive: boolean;
  /** The server's Keep-Alive: timeout=N hint in ms, or undefined. */
  readonly keepAliveTimeoutMs: number | undefined;
  /** A CDN edge's X-Cache header: "HIT", "MISS" (any other value), or "" when absent. */
  readonly cache: CacheStatus;
}

/** What an X-Cache response header said: served from the edge's cache, fetched, or no header. */
export type CacheStatus = "HIT" | "MISS" | "";

export interface ParserEvents {
  /** The head of the final (non-1xx) response is complete; `head` is reused, read it now. */
  onHead(head: ResponseHead): void;
  /** Bytes `[from, to)` of the body (`bytes` is reused: copy what you keep). */
  onBody?(bytes: Uint8Array, from: number, to: number): void;
  /** The body has been read to its end; `keepAlive` as in the head. */
  onComplete(): void;
}

/** Why a response could not be parsed; the pool reports the code as the request's error. */
export class ResponseInvalid extends Error {
  readonly code = "HPE_INVALID_RESPONSE";
}

const enum State {
  Idle,
  Head,
  Body,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  UntilClose,
  Done,
}

const cr = 13;
const lf = 10;

/** Lower-case ASCII compare of `bytes[from, from + name.length)` with `name`. */
function nameIs(bytes: Uint8Array, from: number, to: number, name: string): boolean {
  if (to - from !== name.length) return false;
  for (let i = 0; i < name.length; i++) {
    if ((bytes[from + i]! | 0x20) !== name.charCodeAt(i)) return false;
  }
  return true;
}

function latin1(bytes: Uint8Array, from: number, to: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString("latin1");
}

/** A decimal in `bytes[from, to)`, or -1 if empty, not all digits, or above 2^53. */
function decimal(bytes: Uint8Array, from: number, to: number): number {
  if (to === from) return -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    const d = bytes[i]! - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return Number.isSafeInteger(value) ? value : -1;
}

/** The value of a hex digit byte, or -1. */
function hexDigit(b: number): number {
  if (b >= 48 && b <= 57) return b - 48;
  const lower = b | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/** What the head's headers say about framing and reuse. */
interface Framing {
  contentLength: number;
  chunked: boolean;
  keepAlive: boolean;
  /** A Connection header said close: no later "keep-alive" undoes it (RFC 9112 9.6). */
  close: boolean;
  keepAliveTimeoutMs: number | undefined;
  cache: CacheStatus;
}

/** Applies one header line `h[line, end)` (name, colon at `colon`, value) to `f`. */
function applyHeader(h: Uint8Array, line: number, colon: number, end: number, f: Framing): void {
  let v = colon + 1;
  while (v < end && (h[v] === 32 || h[v] === 9)) v++;
  let ve = end;
  while (ve > v && (h[ve - 1] === 32 || h[ve - 1] === 9)) ve--;
  const first = h[line]! | 0x20;
  if (first === 99 /* c */ && nameIs(h, line, colon, "content-length")) {
    const length = decimal(h, v, ve);
    if (length < 0) throw new ResponseInvalid(`invalid Content-Length "${latin1(h, v, ve)}"`);
    if (f.contentLength !== -1 && f.contentLength !== length) {
      throw new ResponseInvalid(`two Content-Lengths, ${f.contentLength} and ${length}`);
    }
    f.contentLength = length;
  } else if (first === 99 && nameIs(h, line, colon, "connection")) {
    if (nameIs(h, v, ve, "keep-alive")) f.keepAlive = true;
    else if (nameIs(h, v, ve, "close")) f.close = true;
    else {
      const tokens = latin1(h, v, ve)
        .toLowerCase()
        .split(",")
        .map((t) => t.trim());
      if (tokens.includes("close")) f.close = true;
      else if (tokens.includes("keep-alive")) f.keepAlive = true;
    }
  } else if (first === 116 /* t */ && nameIs(h, line, colon, "transfer-encoding")) {
    const codings = latin1(h, v, ve).toLowerCase().split(",");
    if (codings.at(-1)!.trim() !== "chunked") {
      throw new ResponseInvalid(`Transfer-Encoding "${latin1(h, v, ve)}" does not end in chunked`);
    }
    f.chunked = true;
  } else if (first === 120 /* x */ && nameIs(h, line, colon, "x-cache")) {
    f.cache = nameIs(h, v, ve, "hit") ? "HIT" : "MISS";
  } else if (first === 107 /* k */ && nameIs(h, line, colon, "keep-alive")) {
    // "timeout=5" or "timeout=5, max=1000"
    for (let i = v; i + 8 <= ve; i++) {
      if (!nameIs(h, i, i + 8, "timeout=")) continue;
      let e = i + 8;
      while (e < ve && h[e]! >= 48 && h[e]! <= 57) e++;
      const s = decimal(h, i + 8, e);
      if (s >= 0) f.keepAliveTimeoutMs = s * 1000;
      break;
    }
  }
}

/** The status code of an "HTTP/1.x SSS reason" line, and whether it is HTTP/1.1. */
function firstLine(h: Uint8Array, start: number, end: number): string {
  return `"${latin1(h, start, Math.min(end, start + 40)).replace(/\r\n.*/s, "")}"`;
}

/** The status code of an "HTTP/1.x SSS reason" line `h[start, end)`, its CRLF at `end`. */
function statusOf(h: Uint8Array, start: number, end: number): number {
  if (end - start < 12 || !nameIs(h, start, start + 7, "http/1.") || h[start + 8] !== 32) {
    throw new ResponseInvalid(`not an HTTP/1.x status line: ${firstLine(h, start, end)}`);
  }
  const status = decimal(h, start + 9, start + 12);
  if (status < 100 || (h[start + 12] !== 32 && h[start + 12] !== cr)) {
    throw new ResponseInvalid(`invalid status code in ${firstLine(h, start, end)}`);
  }
  return status;
}

export class ResponseParser {
  private state = State.Idle;
  /** The head collected so far (status line and headers), copied out of the socket's buffer. */
  private readonly head = new Uint8Array(parserLimits.headerBytesMax);
  private headLength = 0;
  /** Reused for every response: nothing is allocated per response. */
  private readonly framing: Framing = {
    contentLength: -1,
    chunked: false,
    keepAlive: true,
    close: false,
    keepAliveTimeoutMs: undefined,
    cache: "",
  };
  private readonly responseHead: { -readonly [K in keyof ResponseHead]: ResponseHead[K] } = {
    status: 0,
    keepAlive: true,
    keepAliveTimeoutMs: undefined,
    cache: "",
  };
  private bodyLeft = 0;
  /** Bytes of the current chunk-size or trailer line so far. */
  private lineLength = 0;
  private lineHex = 0;
  private lineDigits = 0;
  private lineInExtension = false;
  private lineCr = false;

  constructor(private readonly events: ParserEvents) {}

  /** Arms the parser for the response to a request just written (HEAD is never sent). */
  expect(): void {
    this.state = State.Head;
    this.headLength = 0;
  }

  /** True while a response is expected or partly read. */
  get busy(): boolean {
    return this.state !== State.Idle && this.state !== State.Done;
  }

  /**
   * Feeds bytes `[from, to)` of `bytes`. Bytes past the end of a response are invalid: nothing
   * is pipelined, so a server that sends them broke the framing.
   */
  feed(bytes: Uint8Array, from: number, to: number): void {
    let i = from;
    while (i < to) {
      switch (this.state) {
        case State.Head:
          i = this.readHead(bytes, i, to);
          break;
        case State.Body:
        case State.ChunkData: {
          const n = Math.min(this.bodyLeft, to - i);
          if (n > 0) this.events.onBody?.(bytes, i, i + n);
          this.bodyLeft -= n;
          i += n;
          if (this.bodyLeft > 0) break;
          if (this.state === State.Body) this.finish();
          else this.startLine(State.ChunkDataEnd);
          break;
        }
        case State.ChunkSize:
          i = this.readChunkSize(bytes, i, to);
          break;
        case State.ChunkDataEnd:
          i = this.readChunkDataEnd(bytes, i, to);
          break;
        case State.Trailers:
          i = this.readTrailers(bytes, i, to);
          break;
        case State.UntilClose:
          this.events.onBody?.(bytes, i, to);
          i = to;
          break;
        default:
          throw new ResponseInvalid(
            `${to - i} bytes arrived with no request outstanding (nothing is pipelined)`,
          );
      }
    }
  }

  /**
   * The server closed the connection. Returns true if that ended a close-delimited body (the
   * response is complete), false if nothing was outstanding; throws if a response was cut.
   */
  end(): boolean {
    if (this.state === State.UntilClose) {
      this.finish();
      return true;
    }
    if (!this.busy) return false;
    const where =
      this.state === State.Head ? `${this.headLength} bytes into the head` : "in the body";
    throw new ResponseInvalid(`the server closed the connection ${where} of a response`);
  }

  private readHead(bytes: Uint8Array, from: number, to: number): number {
    const h = this.head;
    let n = this.headLength;
    if (n === 0) {
      // The head usually arrives whole in one read: parse it where it lies, in one pass.
      const end = this.parseHead(bytes, from, to);
      if (end >= 0) return end;
    }
    // Split across reads: collect it byte by byte, so that a CRLFCRLF across the split is found.
    let i = from;
    while (i < to) {
      if (n === h.length) throw this.headTooLong();
      const b = bytes[i++]!;
      h[n++] = b;
      if (b === lf && n >= 4 && h[n - 2] === cr && h[n - 3] === lf && h[n - 4] === cr) {
        this.headLength = 0;
        this.parseHead(h, 0, n);
        return i;
      }
    }
    this.headLength = n;
    return i;
  }

  private headTooLong(): ResponseInvalid {
    return new ResponseInvalid(`response head over ${parserLimits.headerBytesMax} bytes`);
  }

  /**
   * Parses the head that starts at `h[start]`, a line at a time, and reports it; returns the
   * index after its CRLFCRLF, or -1 if it does not end before `limit` (then nothing is reported:
   * the lines seen so far are parsed again once the head is whole).
   */
  private parseHead(h: Uint8Array, start: number, limit: number): number {
    const f = this.framing;
    let status = 0;
    let line = start;
    for (;;) {
      let lineEnd = line;
      while (lineEnd < limit && h[lineEnd] !== cr) lineEnd++;
      if (lineEnd + 1 >= limit) return -1;
      if (h[lineEnd + 1] !== lf) throw new ResponseInvalid("bare CR in the response head");
      if (lineEnd + 2 - start > parserLimits.headerBytesMax) throw this.headTooLong();
      if (line === start) {
        status = statusOf(h, start, lineEnd);
        f.contentLength = -1;
        f.chunked = false;
        f.keepAlive = h[start + 7] === 49; // HTTP/1.1 defaults to keep-alive, 1.0 to close
        f.close = false;
        f.keepAliveTimeoutMs = undefined;
        f.cache = "";
      } else if (lineEnd === line) {
        break; // the empty line that ends the head
      } else {
        if (h[line] === 32 || h[line] === 9) {
          throw new ResponseInvalid(
            `header line starts with whitespace (obsolete line folding): "${latin1(h, line, lineEnd)}"`,
          );
        }
        let colon = line;
        while (colon < lineEnd && h[colon] !== 58) colon++;
        if (colon < lineEnd && (h[colon - 1] === 32 || h[colon - 1] === 9)) {
          throw new ResponseInvalid(
            `whitespace between a header name and its colon: "${latin1(h, line, lineEnd)}"`,
          );
        }
        if (colon === lineEnd || colon === line) {
          throw new ResponseInvalid(`header line without a name: "${latin1(h, line, lineEnd)}"`);
        }
        applyHeader(h, line, colon, lineEnd, f);
      }
      line = lineEnd + 2;
    }
    if (status < 200) {
      if (status === 101) throw new ResponseInvalid("101 Switching Protocols was not asked for");
      return line + 2; // an interim response (100 Continue, 103 Early Hints): the final follows
    }
    this.startBody(status, f);
    return line + 2;
  }

  private startBody(status: number, f: Framing): void {
    if (f.chunked && f.contentLength !== -1) {
      throw new ResponseInvalid("both Transfer-Encoding: chunked and Content-Length");
    }
    const noBody = status === 204 || status === 304;
    const closeDelimited = !noBody && !f.chunked && f.contentLength === -1;
    const head = this.responseHead;
    head.status = status;
    head.keepAlive = f.keepAlive && !f.close && !closeDelimited;
    head.keepAliveTimeoutMs = f.keepAliveTimeoutMs;
    head.cache = f.cache;
    this.events.onHead(head);
    if (noBody || f.contentLength === 0) this.finish();
    else if (f.chunked) this.startLine(State.ChunkSize);
    else if (closeDelimited) this.state = State.UntilClose;
    else {
      this.bodyLeft = f.contentLength;
      this.state = State.Body;
    }
  }

  private startLine(state: State): void {
    this.state = state;
    this.lineLength = 0;
    this.lineHex = 0;
    this.lineDigits = 0;
    this.lineInExtension = false;
    this.lineCr = false;
  }

  /** "1a2b[;ext]\r\n": hex digits, optionally an extension, then CRLF. */
  private readChunkSize(bytes: Uint8Array, from: number, to: number): number {
    let i = from;
    while (i < to) {
      const b = bytes[i++]!;
      if (++this.lineLength > parserLimits.chunkLineBytesMax) {
        throw new ResponseInvalid(`chunk-size line over ${parserLimits.chunkLineBytesMax} bytes`);
      }
      if (this.lineCr) {
        if (b !== lf) throw new ResponseInvalid("CR without LF in a chunk-size line");
        if (this.lineHex === 0) this.startLine(State.Trailers);
        else {
          this.bodyLeft = this.lineHex;
          this.state = State.ChunkData;
        }
        return i;
      }
      const digit = this.lineInExtension ? -1 : hexDigit(b);
      if (digit >= 0) {
        if (++this.lineDigits > 12) throw new ResponseInvalid("chunk size over 12 hex digits");
        this.lineHex = this.lineHex * 16 + digit;
      } else if (this.lineDigits === 0) {
        throw new ResponseInvalid(`chunk-size line starts with byte ${b}, not a hex digit`);
      } else if (b === cr) this.lineCr = true;
      else if (b === lf) throw new ResponseInvalid("LF without CR in a chunk-size line");
      else if (this.lineInExtension || b === 59 || b === 32 || b === 9) {
        this.lineInExtension = true;
      } else throw new ResponseInvalid(`byte ${b} after the hex digits of a chunk size`);
    }
    return i;
  }

  /** The CRLF after a chunk's data. */
  private readChunkDataEnd(bytes: Uint8Array, from: number, to: number): number {
    let i = from;
    while (i < to) {
      const b = bytes[i++]!;
      if (b !== (this.lineLength === 0 ? cr : lf)) {
        throw new ResponseInvalid("chunk data not followed by CRLF");
      }
      if (++this.lineLength === 2) {
        this.startLine(State.ChunkSize);
        return i;
      }
    }
    return i;
  }

  /** Trailer lines after the last chunk, ended by an empty line (CRLF alone). */
  private readTrailers(bytes: Uint8Array, from: number, to: number): number {
    let i = from;
    while (i < to) {
      const b = bytes[i++]!;
      if (b === lf) {
        if (!this.lineCr) throw new ResponseInvalid("LF without CR in the trailers");
        if (this.lineLength === 1) {
          this.finish();
          return i;
        }
        this.startLine(State.Trailers);
        continue;
      }
      if (++this.lineLength > parserLimits.chunkLineBytesMax) {
        throw new ResponseInvalid(`trailer line over ${parserLimits.chunkLineBytesMax} bytes`);
      }
      this.lineCr = b === cr;
    }
    return i;
  }

  private finish(): void {
    this.state = State.Done;
    this.events.onComplete();
  }
}
