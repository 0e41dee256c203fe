// `--target builtin`: a loopback HTTP server (port 0) that serves every route of routes.ts with
// a fixed, known service time (a timer, not CPU), so the drivers can be exercised end to end
// before the real services exist, and their figures compared with known truth. Bodies are read
// to the end; downloads answer a fixed-size body. It also accepts WebSocket devices (ws-hub.ts).
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { RouteName } from "../operations/routes.ts";

export interface BuiltinTargetOptions {
  /** Service time of each route, in ms. */
  readonly serviceMsByRoute: Readonly<Record<RouteName, number>>;
  readonly downloadBodyBytes: number;
  /** Routes answered 404, to exercise "not available in this stack". */
  readonly missingRoutes: readonly RouteName[];
}

export const builtinTargetDefaults: BuiltinTargetOptions = {
  serviceMsByRoute: {
    uploadInit: 2,
    blockDelta: 5,
    blockPut: 10,
    uploadFinalize: 3,
    fileContent: 2,
    blockGet: 1,
    filesList: 4,
  },
  downloadBodyBytes: 16 * 1024,
  missingRoutes: [],
};

export interface BuiltinTarget {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** Which route a request is, by method and path shape (the inverse of routes.ts). */
export function routeOf(method: string | undefined, path: string): RouteName | undefined {
  const bare = path.split("?")[0] ?? "";
  if (method === "POST" && bare === "/v1/files/upload-init") return "uploadInit";
  if (method === "POST" && bare === "/v1/files/commit") return "uploadFinalize";
  if (method === "PUT" && /^\/v1\/blocks\/[0-9a-f]{64}\/delta$/.test(bare)) return "blockDelta";
  if (method === "PUT" && /^\/v1\/blocks\/[0-9a-f]{64}$/.test(bare)) return "blockPut";
  if (method === "GET" && /^\/v1\/blocks\/[0-9a-f]{64}$/.test(bare)) return "blockGet";
  if (method === "GET" && bare === "/v1/files") return "filesList";
  if (method === "GET" && bare === "/v1/files/content") return "fileContent";
  return undefined;
}

/** A one-block file's block list, its URL on this target (the DownloadService's answer's shape). */
function contentBody(selfUrl: string, requestPath: string, sizeBytes: number): string {
  const path = new URL(requestPath, selfUrl).searchParams.get("path") ?? "/";
  const hash = createHash("sha256").update(path).digest("hex");
  const url = `${selfUrl}/v1/blocks/${hash}?u=builtin&e=0&s=none`;
  const block = { hash, sizeBytes, offsetBytes: 0, url };
  return JSON.stringify({
    path,
    version: 1,
    sizeBytes,
    via: "cdn",
    urlsExpireAtS: 0,
    blocks: [block],
  });
}

function answer(
  route: RouteName,
  request: { url: string; selfUrl: string },
  response: ServerResponse,
  downloadBody: Buffer,
): void {
  if (route === "blockGet") {
    response.writeHead(200, {
      "content-type": "application/octet-stream",
      "content-length": downloadBody.length,
    });
    response.end(downloadBody);
    return;
  }
  const body =
    route === "uploadInit"
      ? '{"uploadId":"00000000-0000-8000-8000-000000000000","missing":[]}'
      : route === "filesList"
        ? '{"files":[],"nextCursor":null}'
        : route === "fileContent"
          ? contentBody(request.selfUrl, request.url, downloadBody.length)
          : '{"ok":true}';
  response.writeHead(200, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
  });
  response.end(body);
}

export async function startBuiltinTarget(
  options: BuiltinTargetOptions = builtinTargetDefaults,
): Promise<BuiltinTarget> {
  const downloadBody = Buffer.alloc(options.downloadBodyBytes, 0x61);
  let selfUrl = "http://127.0.0.1";
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const route = routeOf(request.method, request.url ?? "/");
    request.resume();
    request.on("end", () => {
      if (!route || options.missingRoutes.includes(route)) {
        response.writeHead(404, { "content-type": "text/html" });
        response.end("<html>404 Not Found</html>");
        return;
      }
      const at = { url: request.url ?? "/", selfUrl };
      setTimeout(() => answer(route, at, response, downloadBody), options.serviceMsByRoute[route]);
    });
  };
  const server = createServer(handle);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  selfUrl = `http://127.0.0.1:${port}`;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
