// The driver's HTTP/1.1 response parser on byte strings: every response is also fed split at
// every byte boundary and one byte at a time, and must give the same status, reuse verdict and
// a single completion; chunked framing, interim responses, close-delimited bodies, premature
// closes and malformed input (which must be rejected with HPE_INVALID_RESPONSE) are covered.
import { describe, expect, it } from "vitest";
import {
  parserLimits,
  ResponseInvalid,
  ResponseParser,
  type ResponseHead,
} from "./http1-parser.ts";

interface Log {
  heads: ResponseHead[];
  completions: number;
}

function newParser(): { parser: ResponseParser; log: Log } {
  const log: Log = { heads: [], completions: 0 };
  const parser = new ResponseParser({
    onHead: (head) => log.heads.push({ ...head }),
    onComplete: () => log.completions++,
  });
  parser.expect();
  return { parser, log };
}

const bytesOf = (text: string) => Buffer.from(text, "latin1");

/** Feeds `pieces` in order, then reports what the parser said. */
function feedPieces(pieces: readonly Uint8Array[], close = false): Log {
  const { parser, log } = newParser();
  for (const p of pieces) parser.feed(p, 0, p.length);
  if (close) parser.end();
  return log;
}

/** Every way to cut `bytes` in two, plus byte by byte: all must agree with the whole. */
function everySplit(bytes: Uint8Array, close = false): Log {
  const whole = feedPieces([bytes], close);
  for (let cut = 1; cut < bytes.length; cut++) {
    expect(
      feedPieces([bytes.subarray(0, cut), bytes.subarray(cut)], close),
      `cut at ${cut}`,
    ).toEqual(whole);
  }
  const single = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
  expect(feedPieces(single, close), "byte by byte").toEqual(whole);
  return whole;
}

describe("ResponseParser", () => {
  it("reads a Content-Length response split at every byte boundary", () => {
    const text =
      "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nContent-Length: 11\r\n" +
      "Connection: keep-alive\r\nKeep-Alive: timeout=5\r\nX-Cache: HIT\r\n\r\nhello world";
    expect(everySplit(bytesOf(text))).toEqual({
      heads: [{ status: 200, keepAlive: true, keepAliveTimeoutMs: 5000, cache: "HIT" }],
      completions: 1,
    });
  });

  it("reads chunked bodies with extensions and trailers at every byte boundary", () => {
    const text =
      "HTTP/1.1 201 Created\r\nTransfer-Encoding: gzip, chunked\r\n\r\n" +
      "5\r\nhello\r\n1A;name=value\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nx-trailer: 1\r\n\r\n";
    expect(everySplit(bytesOf(text))).toEqual({
      heads: [{ status: 201, keepAlive: true, keepAliveTimeoutMs: undefined, cache: "" }],
      completions: 1,
    });
    const bare = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n";
    expect(everySplit(bytesOf(bare)).completions).toBe(1);
  });

  it("skips interim 1xx responses and reports the final one", () => {
    const text =
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\ncontent-length: 2\r\n\r\n{}";
    expect(everySplit(bytesOf(text)).heads.map((h) => h.status)).toEqual([404]);
  });

  it("knows when a connection cannot be reused", () => {
    const close =
      "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
    expect(everySplit(bytesOf(close)).heads[0]).toMatchObject({
      status: 503,
      keepAlive: false,
    });
    const http10 = "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok";
    expect(everySplit(bytesOf(http10)).heads[0]!.keepAlive).toBe(false);
    const http10KeepAlive =
      "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n";
    expect(everySplit(bytesOf(http10KeepAlive)).heads[0]!.keepAlive).toBe(true);
  });

  it("ends a body without length or chunking when the server closes, at every boundary", () => {
    const text = "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\n\r\n<html>bye</html>";
    const log = everySplit(bytesOf(text), true);
    expect(log).toEqual({
      heads: [{ status: 200, keepAlive: false, keepAliveTimeoutMs: undefined, cache: "" }],
      completions: 1,
    });
    expect(feedPieces([bytesOf(text)], false).completions).toBe(0);
  });

  it("completes 204, 304 and empty responses at the end of the head", () => {
    for (const status of ["204 No Content", "304 Not Modified"]) {
      expect(everySplit(bytesOf(`HTTP/1.1 ${status}\r\nDate: x\r\n\r\n`)).completions).toBe(1);
    }
    expect(everySplit(bytesOf("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")).completions).toBe(1);
  });

  it("reads a 4 MiB body in 64 KiB reads and then a second response on the same connection", () => {
    const size = 4 * 1024 * 1024;
    const { parser, log } = newParser();
    const head = bytesOf(`HTTP/1.1 200 OK\r\ncontent-length: ${size}\r\n\r\n`);
    parser.feed(head, 0, head.length);
    const piece = Buffer.alloc(64 * 1024, 7);
    for (let sent = 0; sent < size; sent += piece.length) {
      expect(log.completions).toBe(0);
      parser.feed(piece, 0, piece.length);
    }
    expect(log.completions).toBe(1);
    expect(parser.busy).toBe(false);
    parser.expect();
    const next = bytesOf("HTTP/1.1 500 Internal Server Error\r\ncontent-length: 1\r\n\r\n!");
    parser.feed(next, 0, next.length);
    expect(log.heads.map((h) => h.status)).toEqual([200, 500]);
    expect(log.completions).toBe(2);
  });

  it("reports a premature close in the head, in a Content-Length body and in a chunk", () => {
    const cuts = [
      "HTTP/1.1 200 OK\r\ncontent-len",
      "HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc",
      "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhel",
      "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n",
    ];
    for (const text of cuts) {
      const { parser, log } = newParser();
      const bytes = bytesOf(text);
      parser.feed(bytes, 0, bytes.length);
      expect(() => parser.end(), text).toThrow(ResponseInvalid);
      expect(log.completions).toBe(0);
    }
    const idle = newParser();
    idle.parser.feed(bytesOf("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"), 0, 38);
    expect(idle.parser.end()).toBe(false); // a close between responses is no error
  });

  it("rejects malformed responses with HPE_INVALID_RESPONSE", () => {
    const bad = [
      "HTTP/2 200 OK\r\n\r\n",
      "HTTP/1.1 2x0 OK\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
      "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
      "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n",
      "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nabX\r\n",
      "HTTP/1.1 101 Switching Protocols\r\n\r\n",
      "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nokEXTRA",
    ];
    for (const text of bad) {
      const { parser } = newParser();
      const bytes = bytesOf(text);
      let caught: unknown;
      try {
        parser.feed(bytes, 0, bytes.length);
      } catch (error) {
        caught = error;
      }
      expect(caught, text).toBeInstanceOf(ResponseInvalid);
      expect((caught as ResponseInvalid).code).toBe("HPE_INVALID_RESPONSE");
    }
  });

  it("does not reuse a connection whose response said close in any Connection header", () => {
    for (const headers of [
      "Connection: close\r\nConnection: keep-alive",
      "Connection: keep-alive\r\nConnection: close",
      "Connection: keep-alive, close",
    ]) {
      const text = `HTTP/1.1 200 OK\r\n${headers}\r\nContent-Length: 0\r\n\r\n`;
      expect(everySplit(bytesOf(text)).heads[0]!.keepAlive, headers).toBe(false);
    }
  });

  it("rejects heads whose framing headers it would otherwise not see, at every split", () => {
    // Each holds a Content-Length that a reader skipping unknown names would not see (or, for
    // the folded ones, that RFC 9112 reads as part of the header before): read on as
    // close-delimited, the body would end only when the server closes its idle connection, and
    // count as a success with the server's idle time as its latency. Refused, it is an error.
    const hidden = [
      "HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok", // space before the colon
      "HTTP/1.1 200 OK\r\n Content-Length: 2\r\n\r\nok", // obsolete line folding
      "HTTP/1.1 200 OK\r\nX: y\r\n\tContent-Length: 2\r\n\r\nok",
    ];
    for (const text of hidden) {
      const bytes = bytesOf(text);
      for (let cut = 0; cut < bytes.length; cut++) {
        const { parser, log } = newParser();
        const feedAll = () => {
          parser.feed(bytes, 0, cut);
          parser.feed(bytes, cut, bytes.length);
        };
        expect(feedAll, `${JSON.stringify(text)} cut at ${cut}`).toThrow(ResponseInvalid);
        expect(log.heads, JSON.stringify(text)).toEqual([]);
      }
    }
  });

  it("bounds the head at headerBytesMax", () => {
    const { parser } = newParser();
    const long = bytesOf(
      `HTTP/1.1 200 OK\r\nx: ${"a".repeat(parserLimits.headerBytesMax)}\r\n\r\n`,
    );
    expect(() => parser.feed(long, 0, long.length)).toThrow(/head over 16384 bytes/);
  });
});
