// Which operations the configured stack can serve: one probe request per route before the run.
// A refused connection, or a 404/405/501 that is not the service's own JSON error (a gateway's
// "no such route"), means the service is not in this stack: the operation is reported as
// "not available in this stack", never as a figure.
import { request } from "undici";
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import type { HttpOperationName } from "../scenario.ts";
import { errorCode } from "../http1/http-exchange.ts";
import type { TokenFor } from "./operations.ts";
import { operationRoutes, routes, type RouteName } from "./routes.ts";

export type Availability =
  { readonly available: true } | { readonly available: false; readonly reason: string };

const probeTimeoutMs = 3_000;
const probeHash = "0".repeat(64);
/** No route, or a gateway with nothing behind the route (502-504 from nginx, not JSON). */
const unavailableStatuses = new Set([404, 405, 501, 502, 503, 504]);
const unreachableCodes = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** The code of a service's own JSON error, or undefined for a page that is not one. */
async function serviceErrorCode(body: { text(): Promise<string> }): Promise<string | undefined> {
  const text = await body.text();
  try {
    const parsed = JSON.parse(text) as { code?: unknown; error?: { code?: unknown } };
    const code = parsed.code ?? parsed.error?.code;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined; // not JSON: a gateway's or a bare server's page, not the service's error
  }
}

export async function probeRoute(
  baseUrl: string,
  route: RouteName,
  tokenFor?: TokenFor,
): Promise<Availability> {
  const r = routes[route];
  const path = r.pathTemplate.replace(":hash", probeHash);
  const label = `${r.method} ${r.pathTemplate}`;
  try {
    const response = await request(new URL(path, baseUrl), {
      method: r.method,
      headers: {
        "x-user-id": "0",
        "content-type": "application/json",
        "x-syncbench-probe": "1",
        ...(tokenFor ? { authorization: `Bearer ${tokenFor(0)}` } : {}),
      },
      body: r.method === "GET" ? undefined : "{}",
      headersTimeout: probeTimeoutMs,
      bodyTimeout: probeTimeoutMs,
    });
    const status = response.statusCode;
    if (status < 400) {
      await response.body.dump();
      return { available: true };
    }
    // A service's own error (JSON with a code) means the route exists, except NOT_FOUND, which is
    // the service saying it has no such route (the ChunkService answers that for GET /v1/blocks).
    const code = await serviceErrorCode(response.body);
    if (unavailableStatuses.has(status) && (code === undefined || code === "NOT_FOUND")) {
      return {
        available: false,
        reason: `${label} answered ${status} (${r.service} not in this stack)`,
      };
    }
    return { available: true };
  } catch (error) {
    const code = errorCode(error);
    if (unreachableCodes.has(code))
      return { available: false, reason: `${label}: ${code} at ${baseUrl}` };
    throw new SyncbenchError(
      "STACK_UNHEALTHY",
      `probe ${label} at ${baseUrl} failed with ${code}`,
      {
        cause: error,
        hint: "check the stack with `syncbench status`",
      },
    );
  }
}

/**
 * Availability of each operation: every route of its chain that the run's target serves must
 * answer (a download's block fetches go to the signed URLs its block list names).
 */
export async function probeOperations(
  baseUrl: string,
  operations: readonly HttpOperationName[],
  tokenFor?: TokenFor,
): Promise<Map<HttpOperationName, Availability>> {
  const byRoute = new Map<RouteName, Availability>();
  const result = new Map<HttpOperationName, Availability>();
  for (const op of operations) {
    let availability: Availability = { available: true };
    for (const route of operationRoutes[op]) {
      if (routes[route].urlFromAnswer) continue; // asked where the step before says, not probed
      if (!byRoute.has(route)) byRoute.set(route, await probeRoute(baseUrl, route, tokenFor));
      const a = byRoute.get(route)!;
      if (!a.available) {
        availability = a;
        break;
      }
    }
    result.set(op, availability);
  }
  return result;
}
