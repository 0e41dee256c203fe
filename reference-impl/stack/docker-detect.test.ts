// Checks Docker engine detection without an engine: DOCKER_HOST forms are parsed, and a socket
// path that does not answer means "no engine" quickly instead of an error.
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dockerEngineAnswers, dockerSocketCandidates } from "./docker-detect.ts";

describe("docker detection", () => {
  it("parses unix and tcp DOCKER_HOST values", () => {
    expect(dockerSocketCandidates({ DOCKER_HOST: "unix:///tmp/d.sock" })[0]).toEqual({
      socketPath: "/tmp/d.sock",
    });
    expect(dockerSocketCandidates({ DOCKER_HOST: "tcp://127.0.0.1:2376" })[0]).toEqual({
      host: "127.0.0.1",
      port: 2376,
    });
  });

  it("answers false for a socket whose server is not a Docker engine", async () => {
    const dir = mkdtempSync(join(tmpdir(), "syncbench-docker-"));
    const socketPath = join(dir, "fake.sock");
    const server = net.createServer((socket) =>
      socket.end("HTTP/1.1 500 Nope\r\nContent-Length: 0\r\n\r\n"),
    );
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    expect(await dockerEngineAnswers({ DOCKER_HOST: `unix://${socketPath}` }, 500)).toBe(false);
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers true when /_ping returns 200, as an engine does", async () => {
    const dir = mkdtempSync(join(tmpdir(), "syncbench-docker-"));
    const socketPath = join(dir, "ok.sock");
    const server = net.createServer((socket) =>
      socket.end("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"),
    );
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    expect(await dockerEngineAnswers({ DOCKER_HOST: `unix://${socketPath}` }, 500)).toBe(true);
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
