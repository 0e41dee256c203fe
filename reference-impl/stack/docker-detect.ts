// Does a Docker engine answer? `docker --version` is no evidence (machines here ship the client
// without an engine), so ask the engine itself: GET /_ping on DOCKER_HOST or the usual sockets.
import { existsSync } from "node:fs";
import http from "node:http";
import os from "node:os";

export function dockerSocketCandidates(
  env: Readonly<Record<string, string | undefined>>,
): http.RequestOptions[] {
  const candidates: http.RequestOptions[] = [];
  const dockerHost = env.DOCKER_HOST;
  if (dockerHost?.startsWith("unix://"))
    candidates.push({ socketPath: dockerHost.slice("unix://".length) });
  else if (dockerHost?.startsWith("tcp://")) {
    const url = new URL(dockerHost.replace("tcp://", "http://"));
    candidates.push({ host: url.hostname, port: Number(url.port || 2375) });
  }
  const uid = process.getuid?.() ?? 0;
  const sockets = [
    "/var/run/docker.sock",
    `${os.homedir()}/.docker/run/docker.sock`,
    `/run/user/${uid}/docker.sock`,
    `/run/user/${uid}/podman/podman.sock`,
  ];
  for (const socketPath of sockets) if (existsSync(socketPath)) candidates.push({ socketPath });
  return candidates;
}

function ping(options: http.RequestOptions, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ ...options, path: "/_ping", timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on("error", () => resolve(false));
    request.on("timeout", () => {
      request.destroy();
      resolve(false);
    });
  });
}

export async function dockerEngineAnswers(
  env: Readonly<Record<string, string | undefined>>,
  timeoutMs = 1500,
): Promise<boolean> {
  for (const candidate of dockerSocketCandidates(env))
    if (await ping(candidate, timeoutMs)) return true;
  return false;
}
